// Parsing of `sim:<name>[=<arg>][@<resource>][*<count>]` prompt directives (pure functions).

/** One directive token found in a request body. */
export interface Directive {
  /** The token exactly as written, e.g. "sim:429=20@primary*2". */
  raw: string;
  name: string;
  arg?: string;
  /** Only applies when the request hits this resource. */
  resource?: string;
  /** Only the first `count` identical requests on the resource get the behaviour. */
  count?: number;
}

const DIRECTIVE_PATTERN = /sim:([a-z0-9][a-z0-9-]*)(?:=([A-Za-z0-9_-]+))?(?:@([A-Za-z0-9_-]+))?(?:\*(\d+))?/gi;

/** Finds every directive in `text`, in order of appearance, each distinct raw token once. */
export function parseDirectives(text: string): Directive[] {
  const seen = new Set<string>();
  const found: Directive[] = [];
  for (const match of text.matchAll(DIRECTIVE_PATTERN)) {
    const [raw, name, arg, resource, count] = match;
    if (name === undefined || seen.has(raw)) continue;
    seen.add(raw);
    const directive: Directive = { raw, name: name.toLowerCase() };
    if (arg !== undefined) directive.arg = arg;
    if (resource !== undefined) directive.resource = resource;
    if (count !== undefined) directive.count = Number(count);
    found.push(directive);
  }
  return found;
}

/** Key under which `*<count>` requests are counted: same resource, same token, same body text. */
export function buildCountKey(resource: string, directive: Directive, bodyText: string): string {
  return `${resource}\u0000${directive.raw}\u0000${bodyText}`;
}

/**
 * Keeps the directives that apply to this request on `resource`.
 * `takeTicket(key)` must return how many earlier requests already used the key and count this one.
 */
export function selectActiveDirectives(
  directives: Directive[],
  resource: string,
  bodyText: string,
  takeTicket: (key: string) => number,
  /** The resource a directive without `@resource` targets; undefined: every resource. */
  unscopedResource?: string,
): Directive[] {
  return directives.filter((directive) => {
    const target = directive.resource ?? unscopedResource;
    if (target !== undefined && target !== resource) return false;
    if (directive.count === undefined) return true;
    return takeTicket(buildCountKey(resource, directive, bodyText)) < directive.count;
  });
}

/** The set of directives in force for one request, with convenience lookups. */
export class ActiveDirectives {
  readonly list: readonly Directive[];

  constructor(list: readonly Directive[]) {
    this.list = list;
  }

  /** First directive with this name, if any. */
  find(name: string): Directive | undefined {
    return this.list.find((directive) => directive.name === name);
  }

  /** Whether a directive with this name is in force. */
  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** The `=<arg>` of the first directive with this name. */
  readArg(name: string): string | undefined {
    return this.find(name)?.arg;
  }

  /** `=<arg>` as a non-negative number, or `fallback` when absent or not a number. */
  readNumberArg(name: string, fallback: number): number {
    const raw = this.readArg(name);
    const value = Number(raw);
    return raw !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
  }
}
