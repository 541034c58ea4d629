/** Quotes a value for a POSIX shell, so a printed command works when pasted. */

/** The value as is when it is plainly safe, else in single quotes (a quote inside becomes '\''). */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
