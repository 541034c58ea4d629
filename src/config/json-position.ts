/**
 * Parses JSON text and, on a syntax error, says where it is as line and column — the same under Bun,
 * whose JSON.parse message carries no position, and Deno. jsonc-parser finds the offset; it is loaded
 * only then (measured: ~4 MB of resident memory a running proxy would otherwise carry for nothing).
 */
import type { ParseError } from "jsonc-parser";

export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Line and column (both 1-based) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

const WORDS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "property name in double quotes expected",
  ValueExpected: "value expected",
  ColonExpected: "colon expected",
  CommaExpected: "comma expected",
  CloseBraceExpected: "closing } expected",
  CloseBracketExpected: "closing ] expected",
  EndOfFileExpected: "end of file expected",
  InvalidCommentToken: "comments are not allowed",
  UnexpectedEndOfComment: "unexpected end of comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unexpected end of number",
  InvalidUnicode: "invalid unicode escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in string",
};

/** Strict JSON (no comments, no trailing commas): the value, or "line L, column C: what is wrong". */
export async function parseJsonWithPosition(text: string): Promise<JsonParse> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const { parse, printParseErrorCode } = await import("jsonc-parser");
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) return { ok: false, message: "not valid JSON" };
    const { line, column } = lineAndColumn(text, first.offset);
    const code = printParseErrorCode(first.error);
    return { ok: false, message: `not valid JSON at line ${line}, column ${column}: ${WORDS[code] ?? code}` };
  }
}
