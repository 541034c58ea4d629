import { expect, test } from "bun:test";
import type { Adaptation } from "../../src/compat/adapt-params.ts";
import { ProxyError } from "../../src/errors/openai-error.ts";
import { OPERATIONS } from "../../src/proxy/operations.ts";
import type { Upstream } from "../../src/routing/upstream.ts";
import { prepareRequest } from "../../src/upstream/azure-request.ts";
import { PRIMARY_KEY } from "../support/secrets.ts";

const CHAT = OPERATIONS.find((op) => op.id === "chat")!;

function target(name: string, apiVersion: string) {
  const key: Upstream = {
    name, resourceId: `res-${name}`, endpoint: `https://res-${name}.openai.azure.com`, apiVersion,
    deployments: { "gpt-4o": `dep-${name}` }, priority: 0, weight: 1, auth: { type: "apiKey", apiKey: PRIMARY_KEY }, source: "test",
  };
  return { id: name, key, deployment: `dep-${name}` };
}

const payload = { kind: "json" as const, body: { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f" } }] } };
const auth = { "api-key": PRIMARY_KEY };

test("targets on one api-version adapt the body once between them; each still gets its own URL and request", () => {
  const adaptations = new Map<string, Adaptation>();
  const options = { params: "adapt" as const, requestId: "req-1", adaptations };
  const primary = prepareRequest(CHAT, target("a", "2024-10-21"), payload, options);
  const secondary = prepareRequest(CHAT, target("b", "2024-10-21"), payload, options);
  const v1 = prepareRequest(CHAT, target("c", "v1"), payload, options);
  expect([...adaptations.keys()]).toEqual(["2024-10-21", "v1"]);
  if (primary instanceof ProxyError || secondary instanceof ProxyError || v1 instanceof ProxyError) throw new Error("refused");
  const [a, b, c] = [primary.open(auth), secondary.open(auth), v1.open(auth)];
  expect(a.url).toBe("https://res-a.openai.azure.com/openai/deployments/dep-a/chat/completions?api-version=2024-10-21");
  expect(b.url).toBe("https://res-b.openai.azure.com/openai/deployments/dep-b/chat/completions?api-version=2024-10-21");
  // The same adapted body on both (a GA version without stream_options: none is added); v1 asks for the
  // usage chunk on haigpt's behalf and names the deployment in the body.
  expect(JSON.parse(a.body as string)).toEqual(payload.body);
  expect(b.body).toBe(a.body);
  expect(JSON.parse(c.body as string)).toEqual({ ...payload.body, model: "dep-c", stream_options: { include_usage: true } });
  // The client's body is left as it was.
  expect(payload.body).not.toHaveProperty("stream_options");
});

test("a refusal is its api-version's: a key too old for tools refuses, and one that has them is prepared", () => {
  const options = { params: "adapt" as const, requestId: "req-2", adaptations: new Map<string, Adaptation>() };
  expect(prepareRequest(CHAT, target("old", "2023-05-15"), payload, options)).toBeInstanceOf(ProxyError);
  expect(prepareRequest(CHAT, target("old-too", "2023-05-15"), payload, options)).toBeInstanceOf(ProxyError);
  expect(prepareRequest(CHAT, target("new", "2024-10-21"), payload, options)).not.toBeInstanceOf(ProxyError);
});
