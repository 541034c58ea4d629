// Maps a request path onto an Azure OpenAI operation (dated deployments, dated responses, v1).

import type { SimSurface } from "./types.ts";

/** A recognised Azure operation path. */
export interface Route {
  /** Resource named in the path, or undefined when the path starts at /openai. */
  resource?: string;
  surface: Exclude<SimSurface, "unrouted">;
  operation: string;
  /** Deployment named in the path (dated deployments surface only). */
  deployment?: string;
  method: "GET" | "POST";
}

const DEPLOYMENT_OPERATIONS = [
  "chat/completions",
  "completions",
  "embeddings",
  "images/generations",
  "audio/transcriptions",
  "audio/translations",
  "audio/speech",
];
const V1_OPERATIONS = [...DEPLOYMENT_OPERATIONS, "responses", "models"];

/** Resource prefix and the segments after `openai`, or null when there is no `openai` segment where expected. */
function splitResource(pathname: string): { resource?: string; rest: string[] } | null {
  // Empty segments are kept on purpose: Azure answers 404 for an extra "/".
  const segments = pathname.split("/").slice(1);
  if (segments[0] === "openai") return { rest: segments.slice(1) };
  if (segments[1] === "openai" && segments[0]) return { resource: decodeURIComponent(segments[0]), rest: segments.slice(2) };
  return null;
}

/** Parses `pathname`; null when it is not an Azure OpenAI operation path. */
export function parseRoute(pathname: string): Route | null {
  const split = splitResource(pathname);
  if (!split) return null;
  const { resource, rest } = split;
  const base = resource === undefined ? {} : { resource };
  if (rest[0] === "deployments" && rest[1]) {
    const operation = rest.slice(2).join("/");
    if (!DEPLOYMENT_OPERATIONS.includes(operation)) return null;
    return { ...base, surface: "deployments", operation, deployment: decodeURIComponent(rest[1]), method: "POST" };
  }
  if (rest.length === 1 && rest[0] === "responses") return { ...base, surface: "responses", operation: "responses", method: "POST" };
  if (rest[0] === "v1") {
    const operation = rest.slice(1).join("/");
    if (!V1_OPERATIONS.includes(operation)) return null;
    return { ...base, surface: "v1", operation, method: operation === "models" ? "GET" : "POST" };
  }
  return null;
}

/** Azure operationId of an operation, used in 429 messages. */
export function lookupOperationId(operation: string): string {
  const ids: Record<string, string> = {
    "chat/completions": "ChatCompletions_Create",
    completions: "Completions_Create",
    embeddings: "embeddings_create",
    "images/generations": "ImageGenerations_Create",
    "audio/transcriptions": "Transcriptions_Create",
    "audio/translations": "Translations_Create",
    "audio/speech": "Speech_Create",
    responses: "Responses_Create",
  };
  return ids[operation] ?? "Models_List";
}
