/** Puts the parameter table (param-table.ts) into the README between its markers, so the two never disagree. */
import { renderParamTable } from "./param-table.ts";

const START = /<!-- param-table:start[^>]*-->\n/;
const END = "<!-- param-table:end -->";

/** The README text with the table between the markers replaced by the rendered one. */
export function replaceParamTable(readme: string): string {
  const start = START.exec(readme);
  const end = readme.indexOf(END);
  if (!start || end < start.index) throw new Error("README.md has no param-table markers");
  const from = start.index + start[0].length;
  return `${readme.slice(0, from)}${renderParamTable()}\n${readme.slice(end)}`;
}
