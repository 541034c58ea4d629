import { afterAll, describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/config/config-error.ts";
import { describeUpstreamConfig } from "../../src/config/describe-upstream-config.ts";
import { listUpstreams } from "../../src/config/list-upstreams.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { maskSecret } from "../../src/secrets.ts";
import { makeTempDir } from "../support/temp-files.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const KEY_EAST = "eeee1111eeee2222eeee3333eeee4444";
const KEY_WEST = "wwww1111wwww2222wwww3333wwww4444";
import { CLIENT_SECRET } from "../support/secrets.ts";
const TOKENS = [{ userId: "alice", token: "alice-token-0123456789" }];

// The example configuration.
const UPSTREAMS = [
  { name: "ptu-east", resourceId: "contoso-east", apiKey: KEY_EAST, apiVersion: "2024-10-21", deployment: { "gpt-4o": "gpt-4o-ptu" }, priority: 0 },
  { name: "paygo-west", resourceId: "contoso-west", endpoint: "https://contoso-west.openai.azure.com/", apiKey: KEY_WEST, deployment: { "gpt-4o": "gpt-4o" }, priority: 1, weight: 3 },
  {
    name: "paygo-swe", resourceId: "contoso-swe", deployment: { "gpt-4o": "gpt-4o" }, priority: 1, weight: 1,
    auth: { type: "entra", tenantId: "contoso.onmicrosoft.com", clientId: "app-1", clientSecret: CLIENT_SECRET },
  },
  { name: "mi", resourceId: "contoso-mi", deployment: { "*": "gpt-4o" }, auth: { type: "managedIdentity" } },
];

const load = (file: object, env: Record<string, string> = {}) =>
  loadConfig({ env, argv: ["--config", tmp.write(`c${Math.random()}.json`, file)], defaultConfigPath: "/nonexistent" });

async function expectFieldError(file: object, field: string, detail: RegExp, env: Record<string, string> = {}) {
  const error = await load(file, env).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).field).toBe(field);
  expect((error as ConfigError).source).toMatch(/^config file /);
  expect((error as ConfigError).message).toMatch(detail);
  expect((error as ConfigError).message).not.toContain(CLIENT_SECRET);
}

describe("upstreams in config.json", () => {
  test("resolve with defaults: priority 0, weight 1, endpoint from the template, auth by key, Entra or managed identity", async () => {
    const { config, warnings } = await load({ upstreams: UPSTREAMS, userTokens: TOKENS });
    const [east, west, swe, mi] = listUpstreams(config);
    expect(east).toEqual({
      name: "ptu-east", resourceId: "contoso-east", endpoint: "https://contoso-east.openai.azure.com", apiVersion: "2024-10-21",
      deployments: { "gpt-4o": "gpt-4o-ptu" }, priority: 0, weight: 1, auth: { type: "apiKey", apiKey: KEY_EAST },
      source: expect.stringMatching(/^config file /),
    });
    expect(west).toMatchObject({ endpoint: "https://contoso-west.openai.azure.com", priority: 1, weight: 3, apiVersion: "2023-05-15" });
    expect(swe?.auth).toEqual({
      type: "entra", tenantId: "contoso.onmicrosoft.com", clientId: "app-1", clientSecret: CLIENT_SECRET,
      authorityHost: "https://login.microsoftonline.com",
    });
    expect(mi).toMatchObject({ priority: 0, weight: 1, auth: { type: "managedIdentity" } });
    expect(config.breakerFailures).toBe(5);
    expect(config.breakerCooldownMs).toBe(30_000);
    // Upstreams are routed: no start-up warning says otherwise.
    expect(warnings.join("\n")).not.toContain("upstreams");
  });

  test("legacy keys are the upstreams primary (priority 0) and secondary (priority 1), before the listed ones", async () => {
    const { config } = await load({ upstreams: [UPSTREAMS[1]], userTokens: TOKENS }, {
      PrimaryApiKey: `gpt1:gpt-4o|gpt4o:${KEY_EAST}:2024-10-21`,
      SecondaryApiKey: `gpt2:gpt-4o|gpt4o:${KEY_WEST}`,
    });
    expect(listUpstreams(config).map((u) => [u.name, u.priority, u.weight, u.auth.type, u.source])).toEqual([
      ["primary", 0, 1, "apiKey", "environment variable PrimaryApiKey"],
      ["secondary", 1, 1, "apiKey", "environment variable SecondaryApiKey"],
      ["paygo-west", 1, 3, "apiKey", expect.stringMatching(/^config file /)],
    ]);
  });

  test("upstreams alone are enough Azure for user tokens, and alone still need tokens or anonymous mode", async () => {
    expect((await load({ upstreams: [UPSTREAMS[0]], userTokens: TOKENS })).config.primary).toBeNull();
    await load({ upstreams: [UPSTREAMS[0]] }).then(
      () => { throw new Error("accepted"); },
      (e: ConfigError) => expect(e.message).toContain("no user tokens"),
    );
    expect((await load({ upstreams: [UPSTREAMS[0]] }, { HAIGPT_ALLOW_ANONYMOUS: "true" })).config.upstreams).toHaveLength(1);
  });

  test("HAIGPT_BREAKER_FAILURES and HAIGPT_BREAKER_COOLDOWN_MS are settings like the others", async () => {
    const { config } = await load({ upstreams: [UPSTREAMS[0]], userTokens: TOKENS, breakerFailures: 2 }, { HAIGPT_BREAKER_COOLDOWN_MS: "1000" });
    expect([config.breakerFailures, config.breakerCooldownMs]).toEqual([2, 1000]);
    await expectFieldError({ breakerFailures: 0 }, "breakerFailures", /at least 1/);
  });

  const base = { userTokens: TOKENS };
  const entra = UPSTREAMS[2]!;
  const bad: Array<[string, object, string, RegExp]> = [
    ["duplicate names", { upstreams: [UPSTREAMS[0], { ...UPSTREAMS[1], name: "ptu-east" }] }, "upstreams.1.name", /unique/],
    ["a name taken by the primary key", { primaryApiKey: { resourceId: "r", deployment: { a: "a" }, apiKey: KEY_EAST }, upstreams: [{ ...UPSTREAMS[0], name: "primary" }] }, "upstreams.0.name", /primary key/],
    ["a name with spaces", { upstreams: [{ ...UPSTREAMS[0], name: "ptu east" }] }, "upstreams.0.name", /letters, digits/],
    ["a missing name", { upstreams: [{ resourceId: "r", deployment: { a: "a" }, apiKey: "k" }] }, "upstreams.0.name", /required/],
    ["no key and no auth", { upstreams: [{ name: "x", resourceId: "r", deployment: { a: "a" } }] }, "upstreams.0.apiKey", /required unless "auth"/],
    ["both key and auth", { upstreams: [{ ...entra, apiKey: "k" }] }, "upstreams.0.apiKey", /not be given together/],
    ["a bad resource", { upstreams: [{ ...UPSTREAMS[0], resourceId: "a.b" }] }, "upstreams.0.resourceId", /plain Azure resource name/],
    ["a bad deployment", { upstreams: [{ ...UPSTREAMS[0], deployment: { "gpt-4o": "a/b" } }] }, "upstreams.0.deployment.gpt-4o", /single URL path segment/],
    ["a weight of 0", { upstreams: [{ ...UPSTREAMS[0], weight: 0 }] }, "upstreams.0.weight", /at least 1/],
    ["a negative priority", { upstreams: [{ ...UPSTREAMS[0], priority: -1 }] }, "upstreams.0.priority", /at least 0/],
    ["entra without a secret", { upstreams: [{ ...entra, auth: { type: "entra", tenantId: "t", clientId: "c" } }] }, "upstreams.0.auth.clientSecret", /required for "type": "entra"/],
    ["entra with a path in the tenant", { upstreams: [{ ...entra, auth: { ...entra.auth, tenantId: "a/../b" } }] }, "upstreams.0.auth.tenantId", /tenant GUID or domain/],
    ["entra over plain http to another host", { upstreams: [{ ...entra, auth: { ...entra.auth, authorityHost: "http://login.example.com" } }] }, "upstreams.0.auth.authorityHost", /must use https/],
    ["an unknown auth type", { upstreams: [{ ...entra, auth: { type: "password" } }] }, "upstreams.0.auth.type", /./],
    ["a managed identity with a secret", { upstreams: [{ ...UPSTREAMS[3], auth: { type: "managedIdentity", clientSecret: CLIENT_SECRET } }] }, "upstreams.0.auth.clientSecret", /not used by a managed identity/],
  ];
  test.each(bad)("refuses %s, naming the file and field", async (_what, file, field, detail) => {
    await expectFieldError({ ...base, ...file }, field, detail);
  });

  test("a plain-http authority on 127.0.0.1 is accepted (tests and the simulator)", async () => {
    const local = { ...entra, auth: { ...entra.auth, authorityHost: "http://127.0.0.1:4010/" } };
    const { config } = await load({ upstreams: [local], userTokens: TOKENS });
    expect(config.upstreams[0]?.auth).toMatchObject({ authorityHost: "http://127.0.0.1:4010" });
  });

  test("the start-up description masks keys and shows a client secret only as set, no part of it", async () => {
    const { config } = await load({ upstreams: UPSTREAMS, userTokens: TOKENS });
    const lines = describeUpstreamConfig(config.upstreams).join("\n");
    expect(lines).toContain("ptu-east (priority 0, weight 1): contoso-east at https://contoso-east.openai.azure.com");
    expect(lines).toContain("Entra ID tenant contoso.onmicrosoft.com, client app-1, secret set via https://login.microsoftonline.com");
    expect(lines).not.toContain(maskSecret(CLIENT_SECRET));
    expect(lines).toContain("managed identity");
    for (const secret of [KEY_EAST, KEY_WEST, CLIENT_SECRET]) expect(lines).not.toContain(secret);
  });
});
