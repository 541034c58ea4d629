/** `npm run schema`: regenerates config.schema.json from the TypeBox schema in src/config/schema.ts. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_SCHEMA_FILE, renderConfigJsonSchema } from "../src/config/config-json-schema.ts";

const path = join(import.meta.dir, "..", CONFIG_SCHEMA_FILE);
writeFileSync(path, renderConfigJsonSchema());
console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
