/**
 * Routes compiled once from the specs' paths, so a request is matched by a few regex tests and
 * never by openapi-backend's per-request matching. Trailing slashes are significant, as in Polar:
 * `/v1/customers/` is a route, `/v1/customers` answers 307 to it.
 */

export interface Route<T> {
  method: string;
  template: string;
  regex: RegExp;
  paramNames: string[];
  /** Literal segments count, so `/v1/customers/export` wins over `/v1/customers/{id}`. */
  literals: number;
  value: T;
}

export type RouteMatch<T> =
  | { kind: "found"; route: Route<T>; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "redirect"; location: string }
  | { kind: "not_found" };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export class Router<T> {
  private readonly routes: Route<T>[] = [];

  add(method: string, template: string, value: T): void {
    const paramNames: string[] = [];
    let literals = 0;
    const pattern = template
      .split("/")
      .map((segment) => {
        const param = /^\{(.+)\}$/.exec(segment);
        if (param) {
          paramNames.push(param[1]);
          return "([^/]+)";
        }
        if (segment !== "") literals++;
        return escapeRegex(segment);
      })
      .join("/");
    this.routes.push({
      method: method.toUpperCase(),
      template,
      regex: new RegExp(`^${pattern}$`),
      paramNames,
      literals,
      value,
    });
    this.routes.sort((a, b) => b.literals - a.literals);
    this.index = undefined;
  }

  /**
   * The routes a path can match, by its number of `/` and its third segment (`customers` in
   * `/v1/customers/{id}`): a template's regex only matches paths with as many `/` (a parameter
   * never spans one) and the same literal there. Built on first use, in the routes' order.
   */
  private index: Map<string, { order: number; route: Route<T> }[]> | undefined;

  private candidates(path: string): Route<T>[] {
    if (this.index === undefined) {
      this.index = new Map();
      this.routes.forEach((route, order) => {
        const segments = route.template.split("/");
        const third = segments[2] ?? "";
        const key = `${segments.length} ${/^\{.+\}$/.test(third) ? "{}" : third}`;
        const bucket = this.index?.get(key) ?? [];
        bucket.push({ order, route });
        this.index?.set(key, bucket);
      });
    }
    const segments = path.split("/");
    const literal = this.index.get(`${segments.length} ${segments[2] ?? ""}`) ?? [];
    const parameter = this.index.get(`${segments.length} {}`) ?? [];
    if (parameter.length === 0) return literal.map((entry) => entry.route);
    return [...literal, ...parameter].sort((a, b) => a.order - b.order).map((entry) => entry.route);
  }

  private find(path: string): { route: Route<T>; params: Record<string, string> }[] {
    const found: { route: Route<T>; params: Record<string, string> }[] = [];
    for (const route of this.candidates(path)) {
      const match = route.regex.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.paramNames.forEach((name, index) => {
        params[name] = safeDecode(match[index + 1]);
      });
      found.push({ route, params });
    }
    return found;
  }

  match(method: string, path: string, search: string): RouteMatch<T> {
    // FastAPI does not answer HEAD for GET routes: HEAD is a 405 like any other method.
    const candidates = this.find(path);
    const hit = candidates.find((candidate) => candidate.route.method === method);
    if (hit) return { kind: "found", ...hit };
    if (candidates.length > 0) {
      // Starlette answers 405 from the first route whose path matches, with that route's methods.
      const first = candidates[0].route.template;
      const allow = candidates.filter((c) => c.route.template === first).map((c) => c.route.method);
      return { kind: "method_not_allowed", allow };
    }
    // Starlette's redirect_slashes: the other form of the path, if that one is a route.
    const other = path.endsWith("/") ? path.slice(0, -1) : `${path}/`;
    if (other !== "" && this.find(other).length > 0)
      return { kind: "redirect", location: `${other}${search}` };
    return { kind: "not_found" };
  }

  all(): Route<T>[] {
    return [...this.routes];
  }
}
