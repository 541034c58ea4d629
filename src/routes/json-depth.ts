/** Finds JSON text nested deeper than a bound, before it is parsed (deep nesting overflows the stack later on). */

export interface TooDeep {
  /** The top-level field the nesting is in, or null when it is not inside one (or its name is unwieldy). */
  readonly param: string | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** The index of the quote that closes the string opened at `start` (skipping escaped quotes), or -1. */
function endOfString(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/**
 * Scans JSON text once, counting open objects and arrays outside strings (strings are skipped with
 * indexOf, so the scan costs a fraction of the parse). Returns where it first goes deeper than
 * `maxDepth`, or null. Text that is not JSON is left for JSON.parse to refuse.
 */
export function findTooDeep(text: string, maxDepth: number): TooDeep | null {
  let depth = 0;
  // Where the last top-level string and the last top-level key are (indexes only: a key is read only
  // for the answer, not for every body that is fine).
  let stringStart = -1;
  let stringEnd = -1;
  let keyStart = -1;
  let keyEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = endOfString(text, i);
      if (end < 0) return null;
      if (depth === 1) {
        stringStart = i;
        stringEnd = end + 1;
      }
      i = end;
    } else if (c === COLON) {
      if (depth === 1 && stringStart >= 0) {
        keyStart = stringStart;
        keyEnd = stringEnd;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return { param: keyStart < 0 ? null : readKey(text.slice(keyStart, keyEnd)) };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return null;
}

function readKey(quoted: string): string | null {
  if (quoted.length > 66) return null;
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null;
  }
}
