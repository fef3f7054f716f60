/** Pins down route matching as Starlette does it for Polar: literal segments first, 405 with Allow, 307 to the other slash form, no HEAD. */
import { describe, expect, it } from "vitest";
import { Router } from "../../src/http/router.js";

function polarRoutes(): Router<string> {
  const router = new Router<string>();
  // Added in an order where the parameter route comes first, to show literals win regardless.
  router.add("get", "/v1/customers/{id}", "customers:get");
  router.add("PATCH", "/v1/customers/{id}", "customers:update");
  router.add("DELETE", "/v1/customers/{id}", "customers:delete");
  router.add("GET", "/v1/customers/", "customers:list");
  router.add("POST", "/v1/customers/", "customers:create");
  router.add("GET", "/v1/customers/export", "customers:export");
  router.add("GET", "/v1/customers/external/{external_id}", "customers:get_external");
  router.add("GET", "/v1/meters/{id}/quantities", "meters:quantities");
  return router;
}

describe("Router.match", () => {
  it("finds a route and its parameters", () => {
    const match = polarRoutes().match("GET", "/v1/customers/abc", "");
    expect(match.kind).toBe("found");
    if (match.kind !== "found") return;
    expect(match.route.value).toBe("customers:get");
    expect(match.route.template).toBe("/v1/customers/{id}");
    expect(match.route.method).toBe("GET");
    expect(match.params).toEqual({ id: "abc" });
  });

  it("lets literal segments win over parameters", () => {
    const match = polarRoutes().match("GET", "/v1/customers/export", "");
    expect(match.kind === "found" && match.route.value).toBe("customers:export");
    const nested = polarRoutes().match("GET", "/v1/customers/external/ext_1", "");
    expect(nested.kind === "found" && nested.route.value).toBe("customers:get_external");
    expect(nested.kind === "found" && nested.params).toEqual({ external_id: "ext_1" });
  });

  it("routes GET /v1/subscriptions/export to the export, other methods to {id}", () => {
    const router = new Router<string>();
    router.add("GET", "/v1/subscriptions/{id}", "subscriptions:get");
    router.add("DELETE", "/v1/subscriptions/{id}", "subscriptions:revoke");
    router.add("GET", "/v1/subscriptions/export", "subscriptions:export");
    const match = router.match("GET", "/v1/subscriptions/export", "");
    expect(match.kind === "found" && match.route.value).toBe("subscriptions:export");
    const revoke = router.match("DELETE", "/v1/subscriptions/export", "");
    expect(revoke.kind === "found" && revoke.route.value).toBe("subscriptions:revoke");
  });

  it("still reaches the parameter route for a method only it has", () => {
    const match = polarRoutes().match("DELETE", "/v1/customers/export", "");
    expect(match.kind === "found" && match.route.value).toBe("customers:delete");
    expect(match.kind === "found" && match.params).toEqual({ id: "export" });
  });

  it("answers 405 with the methods of the first template that matches the path", () => {
    expect(polarRoutes().match("PUT", "/v1/customers/", "")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "POST"],
    });
    expect(polarRoutes().match("PUT", "/v1/customers/export", "")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET"],
    });
    expect(polarRoutes().match("POST", "/v1/customers/abc", "")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "PATCH", "DELETE"],
    });
  });

  it("answers HEAD for a GET route with 405, as FastAPI does", () => {
    expect(polarRoutes().match("HEAD", "/v1/customers/export", "")).toEqual({
      kind: "method_not_allowed",
      allow: ["GET"],
    });
  });

  it("redirects to the other slash form when that one is a route, keeping the query", () => {
    expect(polarRoutes().match("GET", "/v1/customers", "?limit=1&page=2")).toEqual({
      kind: "redirect",
      location: "/v1/customers/?limit=1&page=2",
    });
    expect(polarRoutes().match("GET", "/v1/customers/abc/", "")).toEqual({
      kind: "redirect",
      location: "/v1/customers/abc",
    });
    // The redirect does not depend on the method: the other form answers it (405 or not).
    expect(polarRoutes().match("PUT", "/v1/customers", "")).toEqual({
      kind: "redirect",
      location: "/v1/customers/",
    });
  });

  it("answers not_found when neither form is a route", () => {
    expect(polarRoutes().match("GET", "/v1/nothing-here/", "")).toEqual({ kind: "not_found" });
    expect(polarRoutes().match("GET", "/", "")).toEqual({ kind: "not_found" });
    expect(polarRoutes().match("GET", "/v1/meters//quantities", "")).toEqual({ kind: "not_found" });
  });

  it("percent-decodes parameters, keeping a malformed escape as it came", () => {
    const router = polarRoutes();
    const spaced = router.match("GET", "/v1/customers/external/a%20b%C3%A9", "");
    expect(spaced.kind === "found" && spaced.params).toEqual({ external_id: "a bé" });
    const malformed = router.match("GET", "/v1/customers/external/100%", "");
    expect(malformed.kind === "found" && malformed.params).toEqual({ external_id: "100%" });
  });

  it("matches parameters in the middle of a path and escapes the template's regex characters", () => {
    const router = polarRoutes();
    const match = router.match("GET", "/v1/meters/m_1/quantities", "");
    expect(match.kind === "found" && match.params).toEqual({ id: "m_1" });
    const dotted = new Router<string>();
    dotted.add("GET", "/v1/files/a.b", "file");
    expect(dotted.match("GET", "/v1/files/axb", "")).toEqual({ kind: "not_found" });
    expect(dotted.match("GET", "/v1/files/a.b", "").kind).toBe("found");
  });
});

describe("Router, indexed by shape", () => {
  it("weighs a parameter in the third segment against literal routes, in literal order", () => {
    const router = new Router<string>();
    router.add("GET", "/v1/{kind}/{id}", "any:get");
    router.add("GET", "/v1/customers/{id}", "customers:get");
    router.add("PUT", "/v1/{kind}/export", "any:export");
    expect(router.match("GET", "/v1/customers/abc", "")).toMatchObject({ route: { value: "customers:get" } });
    expect(router.match("GET", "/v1/meters/abc", "")).toMatchObject({ route: { value: "any:get" } });
    // The most literal template that matches is the first candidate: its methods are the 405's.
    expect(router.match("POST", "/v1/orders/export", "")).toEqual({
      kind: "method_not_allowed",
      allow: ["PUT"],
    });
    // A route added after a first match is found too.
    router.add("GET", "/v1/orders/export", "orders:export");
    expect(router.match("GET", "/v1/orders/export", "")).toMatchObject({ route: { value: "orders:export" } });
    expect(router.match("GET", "/v1", "")).toEqual({ kind: "not_found" });
  });
});

describe("Router.all", () => {
  it("lists routes with literal counts, most literal first, a copy the caller may change", () => {
    const router = polarRoutes();
    const routes = router.all();
    expect(routes.map((route) => [route.method, route.template, route.literals, route.paramNames])).toEqual([
      ["GET", "/v1/customers/export", 3, []],
      ["GET", "/v1/customers/external/{external_id}", 3, ["external_id"]],
      ["GET", "/v1/meters/{id}/quantities", 3, ["id"]],
      ["GET", "/v1/customers/{id}", 2, ["id"]],
      ["PATCH", "/v1/customers/{id}", 2, ["id"]],
      ["DELETE", "/v1/customers/{id}", 2, ["id"]],
      ["GET", "/v1/customers/", 2, []],
      ["POST", "/v1/customers/", 2, []],
    ]);
    routes.length = 0;
    expect(router.all()).toHaveLength(8);
  });
});
