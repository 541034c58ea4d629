import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS } from "../../src/config/load-config.ts";
import { SETTING_VARIABLES, type SettingName } from "../../src/config/sources.ts";

const README = readFileSync(join(import.meta.dir, "../..", "README.md"), "utf8");

/** Settings that validate but are not wired into requests yet: their rows come with the wiring. */

/** The rows of the README's one settings table: variable cell, config.json cell, default cell. */
function settingsRows(): { variable: string; field: string; fallback: string }[] {
  const section = README.slice(README.indexOf("\n## Settings\n"), README.indexOf("\n## Running it\n"));
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [variable = "", field = "", fallback = ""] = line.split(" | ").map((cell) => cell.replace(/^\| /, ""));
      return { variable, field, fallback };
    });
}

test("every setting has one row in the README's settings table, with its variable, config.json name and default", () => {
  const rows = settingsRows();
  for (const [field, variable] of Object.entries(SETTING_VARIABLES) as [SettingName, string][]) {
    const matching = rows.filter((row) => row.variable === `\`${variable}\``);
    expect(matching.map((row) => row.field), variable).toEqual([`\`${field}\``]);
    const fallback = (DEFAULTS as Record<string, unknown>)[field];
    if (fallback !== undefined && fallback !== null) expect(matching[0]!.fallback, variable).toContain(`\`${String(fallback)}\``);
  }
});
