import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { TEST_SECRETS } from "../support/secrets.ts";

const TESTS = join(import.meta.dir, "..");

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []);
}

// A constant named like a secret, or a secret-bearing setting given a literal.
const SECRET_SHAPES = [
  /\b(?:const|let)\s+[A-Z][A-Z0-9_]*(?:KEY|TOKEN|SECRET)[A-Z0-9_]*\s*=\s*"([^"]{12,})"/g,
  /\b(?:HAIGPT_ADMIN_TOKEN|adminToken|clientSecret|client_secret)"?\s*:\s*"([^"]{12,})"/g,
  /"Bearer (admin-token-[^"]+)"/g,
];

test("every fixed secret a test defines is in tests/support/secrets.ts, so the CI secrets scan looks for it", () => {
  const strays: string[] = [];
  for (const file of testFiles(TESTS)) {
    // The simulator's own tests talk to the simulator alone: their secrets never reach haigpt.
    if (file.endsWith(join("support", "secrets.ts")) || file.includes(`${join(TESTS, "simulator")}/`)) continue;
    const text = readFileSync(file, "utf8");
    for (const shape of SECRET_SHAPES) {
      for (const match of text.matchAll(shape)) {
        if (!TEST_SECRETS.includes(match[1]!)) strays.push(`${relative(TESTS, file)}: ${match[0]}`);
      }
    }
  }
  expect(strays).toEqual([]);
});

test("the list holds only strings long enough to be found without matching ordinary text", () => {
  expect(TEST_SECRETS.length).toBeGreaterThan(10);
  for (const secret of TEST_SECRETS) expect(secret.length).toBeGreaterThanOrEqual(16);
  expect(new Set(TEST_SECRETS).size).toBe(TEST_SECRETS.length);
});
