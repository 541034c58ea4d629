/** Which methods a path answers to, from the app's own route table: a known path asked with another method is a 405, not a 404. */

export interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

/** A route path (`/v1/models/:model`) as a whole-path pattern; each `:param` is one path segment. */
function toPattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}$`);
}

/**
 * Returns a lookup of the methods that `pathname` is served with (empty when no route has the path).
 * `routes` is read on first use, so the lookup can be made before the routes are registered.
 */
export function createAllowedMethods(routes: () => readonly RouteEntry[]): (pathname: string) => string[] {
  let table: { pattern: RegExp; method: string }[] | null = null;
  return (pathname) => {
    table ??= routes().map((route) => ({ pattern: toPattern(route.path), method: route.method.toUpperCase() }));
    const methods = new Set(table.filter((entry) => entry.pattern.test(pathname)).map((entry) => entry.method));
    return [...methods].sort();
  };
}
