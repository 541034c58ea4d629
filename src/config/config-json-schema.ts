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
  userTokens: "User tokens clients send instead of Azure keys. Variable UserTokens replaces them.",
  azureEndpoint: "Endpoint template for keys without their own endpoint; {resourceId} is replaced. Default https://{resourceId}.openai.azure.com",
  apiVersion: "api-version for keys that name none. Default 2023-05-15, which has no tools, json_schema or usage in streams.",
  maxRetries: "Retries after the first attempt, across both keys. Default 3.",
  retryBaseMs: "Base of the exponential backoff, in ms. Default 500.",
  retryMaxDelayMs: "Longest single wait, Retry-After included, in ms. Default 10000.",
  firstByteTimeoutMs: "An attempt not decided by then is abandoned and retried, in ms. Default 60000.",
  port: "Port to listen on. Default 3000. Variable PORT wins (the Docker image sets it).",
  host: "Address to listen on. Default 0.0.0.0. Variable HOST wins (the Docker image sets it).",
  allowClientCredentials: "Accept clients' own credential strings when user tokens are configured. Default false.",
  allowAnonymous: "Allow server keys without user tokens (anyone reaching the server uses them). Default false.",
  logLevel: "Default info.",
  compat: "strict (default): answers look exactly like OpenAI's; azure: keep Azure's extra fields and model names.",
  params: "adapt (default): fit request parameters to each key's api-version; passthrough: send them as they are.",
  maxBodyBytes: "Largest request body, uploads included, in bytes. Default 33554432 (32 MiB).",
  corsOrigins: "Origins browsers may call from: *, a comma-separated list, or off. Default *.",
  shutdownGraceMs: "On SIGTERM/SIGINT, how long requests in progress may go on, in ms. Default 9000.",
};

const KEY_DESCRIPTIONS: Record<string, string> = {
  resourceId: "The Azure resource name (the part before .openai.azure.com).",
  deployment: 'OpenAI model name → Azure deployment name; "*" is the catch-all.',
  apiKey: "The resource's key.",
  apiVersion: "Give one with what your clients send, e.g. 2025-04-01-preview or v1 (tools, json_schema, include_usage).",
  endpoint: "Full base URL, when the resource is not at https://{resourceId}.openai.azure.com.",
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
  const document = {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "haigpt config.json",
    description: "Settings of haigpt, an OpenAI-compatible proxy for Azure OpenAI. Environment variables override these fields.",
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
