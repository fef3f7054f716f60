/**
 * The layering of src/ (docs/decisions.md, "One folder per resource"), checked by `npm test`:
 * each layer imports only layers below it. From the bottom: util and generated; store; pydantic;
 * domain; webhooks; resources; pages, scenarios and http; control; the shells (emulator, cli, index).
 */
/** A rule: files under `from` may not import files under any of `not`. */
function forbid(name, comment, from, not) {
  return { name, comment, severity: "error", from: { path: from }, to: { path: not } };
}

module.exports = {
  forbidden: [
    forbid("util-is-a-leaf", "util/ imports nothing else of src/.", "^src/util/", "^src/(?!util/)"),
    forbid(
      "store-imports-nothing-above-it",
      "store/ holds the partitions; what they hold is declared above it (resources).",
      "^src/store/",
      "^src/(?!store/|util/)",
    ),
    forbid(
      "pydantic-knows-no-polar",
      "pydantic/ emulates pydantic, with no Polar knowledge: it imports only util/ and errors.ts.",
      "^src/pydantic/",
      "^src/(?!pydantic/|util/|errors\\.ts)",
    ),
    forbid(
      "domain-is-below-the-resources",
      "domain/ is what all resources share: no resource, no HTTP, no webhooks, no scenarios.",
      "^src/domain/",
      "^src/(resources|pages|http|webhooks|scenarios|control|emulator|cli|index)",
    ),
    forbid(
      "webhooks-sit-below-the-pipeline",
      "webhooks/ delivers domain events; it knows no resource, HTTP pipeline or scenario.",
      "^src/webhooks/",
      "^src/(resources|pages|http|scenarios|control|emulator|cli|index)",
    ),
    forbid(
      "resources-know-no-http",
      "resources/ are the domain: they answer calls, not HTTP requests, and know no page, scenario loader or control plane.",
      "^src/resources/",
      "^src/(http|pages|scenarios|control|emulator|cli|index)",
    ),
    forbid(
      "pages-draw-resources",
      "pages/ draw HTML from the resources' services and serializers; the shells route them through http/.",
      "^src/pages/",
      "^src/(http|scenarios|control|webhooks|store|emulator|cli|index)",
    ),
    forbid(
      "scenarios-know-no-http",
      "scenarios/ load fixtures and snapshots through the resources, not through HTTP.",
      "^src/scenarios/",
      "^src/(http|pages|control|emulator|cli|index)",
    ),
    forbid(
      "http-is-the-pipeline-only",
      "http/ routes, authenticates and validates; it calls handlers and knows no scenario or control verb.",
      "^src/http/",
      "^src/(scenarios|pages|control|emulator|cli|index)",
    ),
    forbid(
      "control-is-below-the-shells",
      "control/ holds the emulator's own verbs; the shells (emulator, cli, index) wire it.",
      "^src/control/",
      "^src/(pages|emulator|cli|index)",
    ),
    {
      name: "no-circular-between-layers",
      comment: "A cycle that leaves a folder means two layers depend on each other.",
      severity: "error",
      from: { path: "^src/(util|store|pydantic|domain|webhooks|pages|http|scenarios|control)/" },
      to: { circular: true, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-orphans",
      comment: "A module nothing imports is dead code (the shells and the generated types aside).",
      severity: "error",
      from: {
        orphan: true,
        path: "^src/",
        pathNot: "^src/(cli|index|healthcheck|register)\\.ts$|^src/generated/",
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "\\.test\\.ts$" },
  },
};
