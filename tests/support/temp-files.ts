/** Temporary config files for tests, removed by the returned cleanup. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function makeTempDir(): { dir: string; write(name: string, content: string | object): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "haigpt-test-"));
  return {
    dir,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
