/**
 * config.schema.json, made from the TypeBox schema start-up validates with (one source of truth), so
 * editors validate and complete config.json as it is typed. `npm run schema` writes it.
 */
import { FileConfig } from "./schema.ts";

/** Where the written file lives, relative to the repository root. */
export const CONFIG_SCHEMA_FILE = "config.schema.json";

/** The JSON Schema document, as the text written to config.schema.json (stable key order, final newline). */
export function renderConfigJsonSchema(): string {
  const document = {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "haigpt config.json",
    description: "Settings of haigpt, an OpenAI-compatible proxy for Azure OpenAI. Environment variables override these fields.",
    // JSON.stringify drops TypeBox's symbol-keyed bookkeeping and keeps plain JSON Schema.
    ...JSON.parse(JSON.stringify(FileConfig)),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
