import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_SCHEMA_FILE, renderConfigJsonSchema } from "../../src/config/config-json-schema.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { makeTempDir } from "../support/temp-files.ts";

const ROOT = join(import.meta.dir, "../..");

test("config.schema.json is the one generated from the schema start-up validates with (run `npm run schema`)", () => {
  expect(readFileSync(join(ROOT, CONFIG_SCHEMA_FILE), "utf8")).toBe(renderConfigJsonSchema());
});

test("the schema lists every config.json field with its fixed choices", () => {
  const schema = JSON.parse(renderConfigJsonSchema());
  expect(Object.keys(schema.properties)).toContain("shutdownGraceMs");
  expect(schema.properties.compat.anyOf.map((choice: { const: string }) => choice.const)).toEqual(["strict", "azure"]);
  expect(schema.properties.primaryApiKey.required).toEqual(["resourceId", "deployment", "apiKey"]);
});

test('a config.json carrying "$schema" loads without an unknown-field warning', async () => {
  const tmp = makeTempDir();
  try {
    const path = tmp.write("config.json", { $schema: "./config.schema.json", port: 3001 });
    const { config, warnings } = await loadConfig({ env: {}, argv: ["--config", path] });
    expect(warnings).toEqual([]);
    expect(config.port).toBe(3001);
    expect("$schema" in config).toBe(false);
  } finally {
    tmp.cleanup();
  }
});
