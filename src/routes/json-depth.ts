/** Finds JSON text nested deeper than a bound, before it is parsed (deep nesting overflows the stack later on). */

export interface TooDeep {
  /** The top-level field the nesting is in, or null when it is not inside one (or its name is unwieldy). */
  readonly param: string | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]

/**
 * Scans JSON text once, counting open objects and arrays outside strings. Returns where it first
 * goes deeper than `maxDepth`, or null. Text that is not JSON is left for JSON.parse to refuse.
 */
export function findTooDeep(text: string, maxDepth: number): TooDeep | null {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = -1;
  let lastTopString: [number, number] | null = null;
  let param: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        if (depth === 1) lastTopString = [stringStart, i + 1];
      }
    } else if (c === QUOTE) {
      inString = true;
      stringStart = i;
    } else if (c === COLON && depth === 1 && lastTopString) {
      param = readKey(text.slice(lastTopString[0], lastTopString[1]));
    } else if (OPENERS.has(c)) {
      if (++depth > maxDepth) return { param };
    } else if (CLOSERS.has(c)) {
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
