/**
 * config.schema.json, made from the TypeBox schema start-up validates with (one source of truth), so
 * editors validate and complete config.json as it is typed. `npm run schema` writes it.
 */
import { FileConfig } from "./schema.ts";


/**
 * What each field means, shown by editors while config.json is typed (the README's settings table in
 * short). Fields without an entry still validate; they only lack the hint.
 */
const DESCRIPTIONS: Record<string, string> = {
  $schema: "Path or URL of this schema, for editors; haigpt ignores it.",
  primaryApiKey: "The primary Azure key. Variable PrimaryApiKey replaces it.",
  secondaryApiKey: "The secondary Azure key, used for failover. Variable SecondaryApiKey replaces it.",
  upstreams: "Azure upstreams, each with a name, priority and weight (see the README's Scaling out); primaryApiKey/secondaryApiKey are the upstreams primary (priority 0) and secondary (priority 1).",
  userTokens: "User tokens clients send instead of Azure keys; each entry has token or tokenSha256. Variable UserTokens replaces them.",
  azureEndpoint: "Endpoint template for keys without their own endpoint; {resourceId} is replaced. Default https://{resourceId}.openai.azure.com",
  apiVersion: "api-version for keys that name none. Default 2023-05-15, which has no tools, json_schema or usage in streams.",
  maxRetries: "Retries after the first attempt, across both keys. Default 3.",
  retryBaseMs: "Base of the exponential backoff, in ms. Default 500.",
  retryMaxDelayMs: "Longest single wait, in ms; a key whose Retry-After asks for more is not waited for (the other key is tried). Default 10000.",
  firstByteTimeoutMs: "From the whole request sent (an upload included) until Azure's answer decides the attempt, in ms; then the attempt is abandoned and retried. Default 60000.",
  streamIdleTimeoutMs: "A stream, or a non-streamed body, that goes quiet this long after the decision is ended, in ms. Default 120000.",
  requestTimeoutMs: "Bounds all attempts, waits and failover of one request together, in ms. Default 600000.",
  maxUpstreamConnections: "Upstream requests the runtime may run at once (under Bun: BUN_CONFIG_MAX_HTTP_REQUESTS). Taken at start only. Default 4096.",
  port: "Port to listen on. Default 3000. Variable PORT wins (the Docker image sets it). Taken at start only.",
  host: "Address to listen on. Default 0.0.0.0. Variable HOST wins (the Docker image sets it). Taken at start only.",
  allowClientCredentials: "Accept clients' own credential strings when user tokens are configured. Default false.",
  allowAnonymous: "Allow server keys without user tokens (anyone reaching the server uses them). Default false.",
  logLevel: "debug, info (default), warn, error or silent. Taken at start only.",
  compat: "strict (default): answers look exactly like OpenAI's; azure: keep Azure's extra fields and model names.",
  params: "adapt (default): fit request parameters to each key's api-version; passthrough: send them as they are.",
  maxBodyBytes: "Largest request body, uploads included, counted as it arrives, in bytes; larger ones get a 413. Default 33554432 (32 MiB). Taken at start only.",
  corsOrigins: "Origins browsers may call from: *, a comma-separated list of origins (scheme and host), or off. Default * (off in anonymous mode).",
  shutdownGraceMs: "On SIGTERM/SIGINT, how long requests in progress (streams included) may go on, in ms; then open streams end with an error event. Default 9000. Taken at start only.",
  logFormat: "json (default): one JSON object a line, for log collectors; pretty: one readable line, for a terminal. Taken at start only.",
  adminToken: "Bearer token for /metrics and /admin/*; without it those answer 404. Use a long random string.",
  redisUrl: "State shared by replicas (limits, usage, cooldowns, circuits), a redis:// or rediss:// URL; without it, state is in an SQLite file under dataDir. Read at start only.",
  dataDir: "Directory of the SQLite state file (created when missing). Default ./data. Read at start only.",
  breakerFailures: `Consecutive failures (5xx, timeouts, resets) that open an upstream's circuit. Default 5.`,
  breakerCooldownMs: `How long an open circuit stays open before one request probes it, in ms. Default 30000.`,
};

const KEY_DESCRIPTIONS: Record<string, string> = {
  resourceId: "The Azure resource name (the part before .openai.azure.com).",
  deployment: 'OpenAI model name → Azure deployment name; "*" is the catch-all.',
  apiKey: "The resource's key.",
  apiVersion: "Give one with what your clients send, e.g. 2025-04-01-preview or v1 (tools, json_schema, include_usage).",
  endpoint: "Full base URL, when the resource is not at https://{resourceId}.openai.azure.com.",
};

const UPSTREAM_DESCRIPTIONS: Record<string, string> = {
  ...KEY_DESCRIPTIONS,
  name: "Unique name shown in x-haigpt-upstream and the logs; letters, digits, '.', '_', '-'. primary and secondary are taken when those keys are set.",
  apiKey: "The resource's key; give either apiKey or auth.",
  priority: "Lower is tried first (0-1000). Default 0.",
  weight: "Share of requests within its priority group (1-1000). Default 1.",
  auth: "How to sign in without a key: Microsoft Entra ID (type entra: tenantId, clientId, clientSecret) or a managed identity (type managedIdentity, clientId optional).",
};

const USER_TOKEN_DESCRIPTIONS: Record<string, string> = {
  userId: "The user's id, written in the logs and usage accounting.",
  token: "The token the client sends. Give token or tokenSha256, not both.",
  tokenSha256: "Lowercase hex SHA-256 of the token's UTF-8 bytes, so the file does not hold the token; the client still sends the token.",
  models: "Models this user may ask for; others answer 404.",
  rpm: "Requests per sliding minute.",
  tpm: "Tokens per sliding minute.",
  maxConcurrent: "Requests in progress at once, streams included.",
  monthlyTokens: "Tokens per calendar month (UTC).",
};

type JsonSchema = { properties?: Record<string, JsonSchema>; description?: string } & Record<string, unknown>;

function describeFields(schema: JsonSchema, descriptions: Record<string, string>): void {
  for (const [field, property] of Object.entries(schema.properties ?? {})) {
    const text = descriptions[field];
    if (text) property.description = text;
  }
}

/** Where the written file lives, relative to the repository root. */
export const CONFIG_SCHEMA_FILE = "config.schema.json";

/** The JSON Schema document, as the text written to config.schema.json (stable key order, final newline). */
export function renderConfigJsonSchema(): string {
  // JSON.stringify drops TypeBox's symbol-keyed bookkeeping and keeps plain JSON Schema.
  const schema = JSON.parse(JSON.stringify(FileConfig)) as JsonSchema;
  describeFields(schema, DESCRIPTIONS);
  for (const key of ["primaryApiKey", "secondaryApiKey"]) {
    const property = schema.properties?.[key];
    if (property) describeFields(property, KEY_DESCRIPTIONS);
  }
  const itemsOf = (field: string) => (schema.properties?.[field] as { items?: JsonSchema } | undefined)?.items;
  const upstream = itemsOf("upstreams");
  if (upstream) describeFields(upstream, UPSTREAM_DESCRIPTIONS);
  const userToken = itemsOf("userTokens");
  if (userToken) describeFields(userToken, USER_TOKEN_DESCRIPTIONS);
  const document = {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "haigpt config.json",
    description: "Settings of haigpt, an OpenAI-compatible proxy for Azure OpenAI. Environment variables override these fields.",
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
