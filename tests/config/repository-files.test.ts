import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };

const ROOT = join(import.meta.dir, "../..");
const read = (name: string) => readFileSync(join(ROOT, name), "utf8");

test("MIT licence: LICENSE names haigpt contributors, package.json says MIT", () => {
  expect(pkg.license).toBe("MIT");
  expect(read("LICENSE")).toStartWith("MIT License\n\nCopyright (c) 2026 haigpt contributors\n");
});

// Tried as a new user would: without these, pnpm refuses Bun's and Deno's install scripts ("Bun's
// postinstall script was not run") and yarn 4 installs Plug'n'Play, which Bun cannot read.
test("pnpm (10 and 11+) and yarn may run Bun's and Deno's install scripts and install node_modules", () => {
  expect(pkg.pnpm.onlyBuiltDependencies).toEqual(["bun", "deno"]);
  const workspace = read("pnpm-workspace.yaml");
  expect(workspace).toMatch(/allowBuilds:\n {2}bun: true\n {2}deno: true/);
  expect(workspace).toMatch(/onlyBuiltDependencies:\n {2}- bun\n {2}- deno/);
  expect(pkg.dependenciesMeta).toEqual({ bun: { built: true }, deno: { built: true } });
  expect(read(".yarnrc.yml")).toContain("nodeLinker: node-modules");
});

test("every command the README writes as npm run … exists in package.json", () => {
  const readme = read("README.md");
  const used = new Set([...readme.matchAll(/npm run ([a-z][a-z:-]*)/g)].map((match) => match[1]!));
  expect([...used].sort()).toEqual(expect.arrayContaining(["build", "demo", "dev", "docs", "schema", "simulate", "start", "typecheck"]));
  for (const script of used) expect(Object.keys(pkg.scripts)).toContain(script);
});
