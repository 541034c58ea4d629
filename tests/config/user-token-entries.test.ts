import { afterAll, describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { checkUserTokens, sha256Hex } from "../../src/config/user-token-entries.ts";
import { makeTempDir } from "../support/temp-files.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const KEY = { resourceId: "gpt1", deployment: { "gpt-4o": "gpt4o-prod" }, apiKey: "11112222333344445555666677778888" };
const TOKEN = "carol-token-5e1f0a9c3b7d2e84";
const HASH = sha256Hex(TOKEN);

async function loadFile(userTokens: unknown[]) {
  const path = tmp.write(`tokens-${Math.random()}.json`, { primaryApiKey: KEY, userTokens });
  return { path, result: await loadConfig({ env: {}, argv: ["--config", path], defaultConfigPath: "/nonexistent" }).catch((e: unknown) => e) };
}

describe("tokenSha256 in config.json", () => {
  test("an entry may give the token's SHA-256 instead of the token", async () => {
    const { result } = await loadFile([{ userId: "carol", tokenSha256: HASH }, { userId: "dave", token: "dave-token-0123456789abcdef" }]);
    expect((result as Awaited<ReturnType<typeof loadConfig>>).config.userTokens).toEqual([
      { userId: "carol", tokenSha256: HASH },
      { userId: "dave", token: "dave-token-0123456789abcdef" },
    ]);
  });

  test.each([
    ["both", [{ userId: "carol", token: TOKEN, tokenSha256: HASH }], "userTokens.0", /both/],
    ["neither", [{ userId: "a", token: "a-token-0123456789abcdef" }, { userId: "carol" }], "userTokens.1", /"token" or "tokenSha256"/],
    ["uppercase hex", [{ userId: "carol", tokenSha256: HASH.toUpperCase() }], "userTokens.0.tokenSha256", /64 lowercase hex/],
    ["too short", [{ userId: "carol", tokenSha256: HASH.slice(2) }], "userTokens.0.tokenSha256", /64 lowercase hex/],
    ["not hex", [{ userId: "carol", tokenSha256: `${HASH.slice(1)}g` }], "userTokens.0.tokenSha256", /64 lowercase hex/],
    ["a hash of another user's token", [{ userId: "a", token: TOKEN }, { userId: "carol", tokenSha256: HASH }], null, /users a and carol have the same token/],
  ])("%s: start-up stops naming the file and field", async (_name, entries, field, detail) => {
    const { path, result } = await loadFile(entries);
    expect(result).toBeInstanceOf(ConfigError);
    const error = result as ConfigError;
    expect(error.source).toBe(`config file ${path}`);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(detail);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(HASH.slice(0, 16));
  });
});

describe("short tokens", () => {
  test("a token under 16 characters is a start-up warning naming the user, not the token", async () => {
    const { result } = await loadFile([{ userId: "erin", token: "short-token" }, { userId: "frank", token: "a-long-enough-token-0123" }]);
    const { warnings } = result as Awaited<ReturnType<typeof loadConfig>>;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("user erin");
    expect(warnings[0]).toContain("16 characters");
    expect(warnings[0]).not.toContain("short-token");
  });

  test("the same from the UserTokens variable", async () => {
    const { warnings } = await loadConfig({
      env: { PrimaryApiKey: `gpt1:gpt-4o:${KEY.apiKey}`, UserTokens: "gina|tiny,hal|hal-token-0123456789ab" },
      argv: [],
      defaultConfigPath: "/nonexistent",
    });
    expect(warnings).toEqual([expect.stringMatching(/^environment variable UserTokens: the token of user gina is shorter than 16/)]);
  });

  test("checkUserTokens leaves hashes alone (their token's length is unknown)", () => {
    expect(checkUserTokens([{ userId: "x", tokenSha256: sha256Hex("a") }], "test", "userTokens")).toEqual([]);
  });
});

test("the README's hash one-liners give the hash haigpt compares", async () => {
  const token = "tökenα-with-ünïcode";
  const node = Bun.spawn(
    ["node", "-e", 'const h=require("node:crypto").createHash("sha256");process.stdin.on("data",d=>h.update(d)).on("end",()=>console.log(h.digest("hex")))'],
    { stdin: new TextEncoder().encode(token), stdout: "pipe" },
  );
  const shell = Bun.spawn(["sh", "-c", 'printf %s "$TOKEN" | sha256sum'], { env: { TOKEN: token, PATH: process.env.PATH ?? "" }, stdout: "pipe" });
  const [fromNode, fromShell] = await Promise.all([new Response(node.stdout).text(), new Response(shell.stdout).text(), node.exited, shell.exited]);
  expect(fromNode.trim()).toBe(sha256Hex(token));
  expect(fromShell.split(" ")[0]).toBe(sha256Hex(token));
});
