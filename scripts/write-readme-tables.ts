/** `npm run docs`: rewrites the README's parameter table from src/compat/param-table.ts. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { replaceParamTable } from "../src/compat/readme-param-table.ts";

const path = join(import.meta.dir, "..", "README.md");
writeFileSync(path, replaceParamTable(readFileSync(path, "utf8")));
console.log("wrote the parameter table in README.md");
