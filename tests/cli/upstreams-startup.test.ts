// The real process with `upstreams` in config.json: described at start-up with secrets masked, refused
// with the file and field when wrong.

import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ALICE_TOKEN, PRIMARY_KEY } from "../support/harness.ts";
import { runToExit, startProcess } from "../support/process.ts";
import { makeTempDir } from "../support/temp-files.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

import { ENTRA_CLIENT_SECRET as CLIENT_SECRET } from "../support/secrets.ts";
const example = JSON.parse(readFileSync(new URL("../fixtures/scaling-out.config.json", import.meta.url), "utf8"));

test("start-up lists each upstream with keys and client secrets masked", async () => {
  const config = {
    ...example,
    upstreams: [
      { ...example.upstreams[0], apiKey: PRIMARY_KEY },
      example.upstreams[1],
      { ...example.upstreams[2], auth: { ...example.upstreams[2].auth, clientSecret: CLIENT_SECRET } },
    ],
    userTokens: [{ userId: "alice", token: ALICE_TOKEN }],
  };
  const running = await startProcess({ PORT: "0", HOST: "127.0.0.1" }, ["--config", tmp.write("config.json", config)]);
  try {
    const output = running.output();
    for (const name of ["ptu-east (priority 0, weight 1)", "paygo-west (priority 1, weight 3)", "paygo-swe (priority 1, weight 1)"]) {
      expect(output).toContain(name);
    }
    expect(output).toContain("a1a1…d4d4");
    expect(output).toContain("Entra ID tenant demo-tenant, client demo-client, secret set via");
    expect(output).not.toContain("entr…5b4a");
    for (const secret of [PRIMARY_KEY, CLIENT_SECRET, ALICE_TOKEN, "sim-west-key"]) expect(output).not.toContain(secret);
  } finally {
    await running.stop();
  }
});

test("a wrong upstream stops start-up naming the file and field, without the secret", async () => {
  const bad = { ...example, upstreams: [{ ...example.upstreams[2], apiKey: CLIENT_SECRET }] };
  const path = tmp.write("bad.json", bad);
  const result = await runToExit({}, ["--config", path]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`config file ${path}, field upstreams.0.apiKey: must not be given together with "auth"`);
  expect(result.output).not.toContain(CLIENT_SECRET);
});
