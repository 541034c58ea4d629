import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { PARAM_RULES } from "../../src/compat/param-table.ts";
import {
  ALICE_TOKEN,
  PRIMARY_KEY,
  SECONDARY_KEY,
  allOperationsEnv,
  jsonOf,
  postJson,
  startHaigpt,
  startSimulator,
  upstreamCalls,
  type Haigpt,
  type Simulator,
} from "../support/harness.ts";

// The parameter table, case by case, against the simulator's api-version rules (which refuse what Azure
// refuses): a hint the version refuses is removed and listed; a meaning it refuses is never sent.
const VERSIONS = [
  "2023-05-15",
  "2023-07-01-preview",
  "2023-12-01-preview",
  "2024-02-01",
  "2024-06-01",
  "2024-08-01-preview",
  "2024-09-01-preview",
  "2024-10-21",
  "2024-12-01-preview",
  "2025-01-01-preview",
];

const SAMPLES: Record<string, unknown> = {
  tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
  tool_choice: "auto",
  functions: [{ name: "f", parameters: { type: "object" } }],
  function_call: "auto",
  response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } },
  audio: { voice: "alloy", format: "wav" },
  modalities: ["text", "audio"],
  max_completion_tokens: 20,
  parallel_tool_calls: false,
  stream_options: { include_usage: true },
  reasoning_effort: "low",
  store: true,
  metadata: { team: "a" },
  user_security_context: { application_name: "app" },
  prediction: { type: "content", content: "x" },
};

const messages = [{ role: "user" as const, content: "hi" }];
const bodyWith = (param: string) => ({ model: "gpt-4o", messages, [param]: SAMPLES[param], ...(param === "stream_options" ? { stream: true } : {}) });

let azure: Simulator;
const servers = new Map<string, Haigpt>();
beforeAll(async () => {
  azure = await startSimulator();
  for (const version of VERSIONS) servers.set(version, await startHaigpt(allOperationsEnv(azure.url, version)));
});
afterAll(async () => {
  for (const server of servers.values()) await server.stop();
  await azure.stop();
});
beforeEach(() => azure.sim.reset());

/** Whether the simulator (Azure's rules) accepts the parameter at the api-version, asked directly. */
async function azureAccepts(version: string, param: string): Promise<boolean> {
  const { model: _model, ...body } = bodyWith(param);
  const response = await postJson(`${azure.url}/primary-res/openai/deployments/gpt4o-prod/chat/completions?api-version=${version}`, body, { "api-key": PRIMARY_KEY });
  await response.text();
  return response.status === 200;
}

const cases = PARAM_RULES.flatMap((rule) => rule.params.map((param) => ({ param, kind: rule.kind })));

describe.each(cases)("$param ($kind)", ({ param, kind }) => {
  test.each(VERSIONS)("at %s haigpt does what the table says, and Azure never refuses", async (version) => {
    const accepted = await azureAccepts(version, param);
    azure.sim.reset();
    const response = await postJson(`${servers.get(version)!.url}/v1/chat/completions`, bodyWith(param), { authorization: `Bearer ${ALICE_TOKEN}` });
    const text = await response.text();
    const calls = upstreamCalls(azure.sim);
    if (accepted) {
      expect(response.status).toBe(200);
      expect(response.headers.get("x-haigpt-dropped-params")).toBeNull();
      expect(calls[0]?.body).toHaveProperty(param);
    } else if (kind === "hint") {
      expect(response.status).toBe(200);
      expect(response.headers.get("x-haigpt-dropped-params")).toBe(param);
      expect(calls[0]?.body).not.toHaveProperty(param);
    } else {
      expect(response.status).toBe(400);
      expect(JSON.parse(text).error).toMatchObject({ param: param === "tool_choice" ? "tools" : param === "function_call" ? "functions" : param === "modalities" ? "audio" : param, code: "unsupported_parameter" });
      expect(calls).toHaveLength(0);
    }
  });
});

describe("a key whose api-version lacks a meaning is skipped", () => {
  let pair: Haigpt;
  beforeAll(async () => {
    pair = await startHaigpt({
      HAIGPT_AZURE_ENDPOINT: `${azure.url}/{resourceId}`,
      PrimaryApiKey: `primary-res:gpt-4o|gpt4o-prod:${PRIMARY_KEY}:2024-06-01`,
      SecondaryApiKey: `secondary-res:gpt-4o|gpt4o-dr:${SECONDARY_KEY}:2024-10-21`,
      UserTokens: `alice|${ALICE_TOKEN}`,
    });
  });
  afterAll(() => pair.stop());

  test("json_schema goes straight to the secondary; the primary is never called", async () => {
    const completion = await pair.client().chat.completions.create({ model: "gpt-4o", messages, response_format: SAMPLES.response_format as never });
    expect(completion.choices[0]?.message.content).toContain("gpt4o-dr");
    expect(upstreamCalls(azure.sim).map((call) => call.resource)).toEqual(["secondary-res"]);
  });

  test("audio, which neither key has, is a 400 naming the first version that has it, with no call", async () => {
    const response = await postJson(`${pair.url}/v1/chat/completions`, bodyWith("audio"), { authorization: `Bearer ${ALICE_TOKEN}` });
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.message).toContain("2025-01-01-preview");
    expect(upstreamCalls(azure.sim)).toHaveLength(0);
  });
});

describe("include_usage on every api-version", () => {
  async function streamed(version: string, includeUsage: boolean) {
    const client = servers.get(version)!.client();
    const { data: stream, response } = await client.chat.completions
      .create({ model: "gpt-4o", stream: true as const, messages, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) })
      .withResponse();
    const usage = [];
    let text = "";
    for await (const chunk of stream) {
      if (chunk.usage) usage.push(chunk.usage);
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    return { usage, text, response, sent: upstreamCalls(azure.sim)[0]?.body as Record<string, unknown> };
  }

  test.each(VERSIONS)("asked at %s: exactly one usage chunk; counted (and said so) where Azure cannot send it", async (version) => {
    const { usage, text, response, sent } = await streamed(version, true);
    expect(usage).toHaveLength(1);
    const azureSends = version >= "2024-09-01" && version.endsWith("-preview");
    expect(response.headers.get("x-haigpt-usage")).toBe(azureSends ? null : "counted");
    expect(sent.stream_options).toEqual(azureSends ? { include_usage: true } : undefined);
    expect(usage[0]!.completion_tokens).toBeGreaterThan(5);
    expect(usage[0]!.total_tokens).toBe(usage[0]!.prompt_tokens + usage[0]!.completion_tokens);
    expect(text).toContain('you said "hi"');
  });

  test.each(["2024-09-01-preview", "2025-01-01-preview"])("not asked at %s: asked of Azure anyway, removed for the client", async (version) => {
    const { usage, sent } = await streamed(version, false);
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(usage).toHaveLength(0);
  });

  test("not asked where Azure cannot send it: nothing counted, nothing added", async () => {
    const { usage, response, sent } = await streamed("2024-10-21", false);
    expect(usage).toHaveLength(0);
    expect(sent).not.toHaveProperty("stream_options");
    expect(response.headers.get("x-haigpt-usage")).toBeNull();
  });
});
