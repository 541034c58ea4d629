/** Normalises a successful, non-streamed Azure JSON answer into what OpenAI would have sent. */
import { isJsonObject } from "../json.ts";
import { reportUsage, type AnswerKind, type CompatContext } from "./compat-context.ts";
import { collectBodyAnnotations } from "./filter-annotations.ts";
import { stripAzureFields, stripAzureFieldsInPlace } from "./strip-azure-fields.ts";

/** Kinds whose answers name the model; Azure spells it its own way (`gpt-35-turbo`, dated snapshots, §6.1). */
const KINDS_WITH_MODEL: ReadonlySet<AnswerKind> = new Set(["chat", "completions", "embeddings", "responses"]);

/**
 * Strict mode: removes Azure-only fields and reports the filter annotations, and puts the client's model
 * name where the body has a `model` key. Azure mode: reports the annotations and returns `body` as is.
 * Bodies that are not JSON objects pass through untouched. The rules as copies, leaving `body` alone:
 * the answer path applies them in place (normalizeOwnedBody), tested against this.
 */
export function normalizeBody(kind: AnswerKind, body: unknown, ctx: CompatContext): unknown {
  if (!isJsonObject(body)) return body;
  reportUsage(body.usage, ctx);
  collectBodyAnnotations(body, ctx);
  const stripped = stripAzureFields(body, ctx);
  if (ctx.mode !== "strict") return body;
  if (KINDS_WITH_MODEL.has(kind) && "model" in stripped) return { ...stripped, model: ctx.requestedModel };
  return stripped;
}

/**
 * What normalizeBody returns, made by deleting and setting fields of `body` itself instead of copying
 * it (same keys, same order): for a body nothing else holds — Azure's answer as the attempt parsed it.
 */
export function normalizeOwnedBody(kind: AnswerKind, body: unknown, ctx: CompatContext): unknown {
  if (!isJsonObject(body)) return body;
  reportUsage(body.usage, ctx);
  collectBodyAnnotations(body, ctx);
  if (ctx.mode !== "strict") return body;
  stripAzureFieldsInPlace(body, ctx);
  if (KINDS_WITH_MODEL.has(kind) && "model" in body) body.model = ctx.requestedModel;
  return body;
}
