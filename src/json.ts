/** Plain JSON helpers shared by the policy, the error normalisers and the compat layer. */

export type Json = Record<string, unknown>;

/** Whether a parsed value is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses text as JSON, or returns `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
