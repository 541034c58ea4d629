/** The `pretty` log format: a JSON line turned into `time LEVEL msg key=value …` for reading in a terminal. */

const SKIPPED = new Set(["time", "level", "msg"]);

function showValue(value: unknown): string {
  return typeof value === "string" && !/\s|"/.test(value) ? value : JSON.stringify(value);
}

/** One readable line for one JSON log line; a line that is not JSON is returned as it is. */
export function formatPretty(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const fields = Object.entries(record)
    .filter(([key]) => !SKIPPED.has(key))
    .map(([key, value]) => `${key}=${showValue(value)}`);
  const level = String(record.level ?? "").toUpperCase().padEnd(5);
  return [record.time, level, record.msg, ...fields].join(" ");
}
