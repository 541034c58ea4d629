import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { parseApiVersion, supportsFeature } from "../../src/compat/api-version.ts";
import { PARAM_RULES } from "../../src/compat/param-table.ts";
import { replaceParamTable } from "../../src/compat/readme-param-table.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { FileConfig } from "../../src/config/schema.ts";
import { makeTempDir } from "../support/temp-files.ts";

const ROOT = join(import.meta.dir, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

test("the README's parameter table is the one in src/compat/param-table.ts (run `npm run docs`)", () => {
  expect(README).toBe(replaceParamTable(README));
});

test("the README's example config.json carries $schema, loads, and works for today's clients", async () => {
  const block = /```json\n(\{\n {2}"\$schema"[\s\S]*?)\n```/.exec(README)?.[1];
  expect(block).toBeDefined();
  const example = JSON.parse(block!);
  expect(example.$schema).toBe("./config.schema.json");
  expect(Value.Check(FileConfig, example)).toBe(true);
  const tmp = makeTempDir();
  try {
    const { config, warnings } = await loadConfig({ env: {}, argv: ["--config", tmp.write("config.json", block!)] });
    expect(warnings).toEqual([]);
    // Both keys have tools, json_schema and include_usage (stream_options): nothing today's clients send is lost.
    for (const key of [config.primary!, config.secondary!]) {
      const version = parseApiVersion(key.apiVersion);
      for (const param of ["tools", "response_format", "stream_options"]) {
        expect(supportsFeature(version, PARAM_RULES.find((rule) => rule.params.includes(param))!.since)).toBe(true);
      }
    }
  } finally {
    tmp.cleanup();
  }
});

test("the README points at the repository's own docs, never outside it", () => {
  expect(README).not.toContain("../shared");
  expect(README).not.toMatch(/AZURE-FACTS/);
});
