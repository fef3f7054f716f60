/**
 * Fixture keys (`product: pro`): per organization, what each key of each kind names. The kinds
 * are those of the resources that have a fixture section (src/resources/index.ts).
 */
import { dictionary, record, string } from "../domain/decode.js";
import type { FixtureKind, FixtureSection } from "../resources/fixture.js";
import { RESOURCES } from "../resources/index.js";

/** The resources' fixture sections, in the order a fixture is applied. */
export const FIXTURE_SECTIONS: readonly FixtureSection<object>[] = RESOURCES.flatMap((resource) =>
  resource.fixture ? [resource.fixture] : [],
);

export type KeyRegistry = Record<FixtureKind, Map<string, string>>;

export function sectionOf(kind: FixtureKind): FixtureSection<object> {
  const section = FIXTURE_SECTIONS.find((candidate) => candidate.kind === kind);
  if (!section) throw new Error(`[polar-emulator] no fixture section for ${kind}`);
  return section;
}

export function emptyRegistry(): KeyRegistry {
  return copyRegistry(undefined);
}

export function copyRegistry(registry: KeyRegistry | undefined): KeyRegistry {
  return Object.fromEntries(
    FIXTURE_SECTIONS.map((section) => [section.kind, new Map(registry?.[section.kind])]),
  ) as KeyRegistry;
}

/** The keys as JSON (a snapshot's `keys`, a load's answer): kind → key → id. */
export function keysJson(registry: KeyRegistry): Record<FixtureKind, Record<string, string>> {
  return Object.fromEntries(
    FIXTURE_SECTIONS.map((section) => [section.kind, Object.fromEntries(registry[section.kind])]),
  ) as Record<FixtureKind, Record<string, string>>;
}

/** The decoder of a snapshot's `keys`. */
export const keysDecoder = record<KeyRegistry>(
  Object.fromEntries(FIXTURE_SECTIONS.map((section) => [section.kind, dictionary(string)])) as {
    [K in FixtureKind]: ReturnType<typeof dictionary<string>>;
  },
);
