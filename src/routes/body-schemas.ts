/**
 * Request bodies haigpt checks before calling Azure: only what it needs (the model to route by) and
 * what OpenAI itself requires. Every other field, known or not, is forwarded untouched.
 */
import { t, type TSchema } from "elysia";
import type { OperationId } from "../proxy/operations.ts";

const anyJson = t.Unknown();

/** Fields OpenAI requires besides `model`, per JSON operation. */
const REQUIRED: Partial<Record<OperationId, Record<string, TSchema>>> = {
  chat: { messages: t.Array(anyJson, { minItems: 1 }) },
  completions: {},
  // A string, or an array of strings, token ids or token-id arrays.
  embeddings: { input: t.Union([t.String(), t.Array(anyJson)]) },
  images: { prompt: t.String({ minLength: 1 }) },
  speech: { input: t.String({ minLength: 1 }) },
  responses: {},
};

/**
 * The body schema of a JSON operation. `model` is required unless the operation has a default
 * (images) or the model comes from the URL (Azure-shaped clients name the deployment there).
 */
export function bodySchemaFor(op: { id: OperationId; defaultModel: string | null }, modelInPath: boolean) {
  const model = t.String({ minLength: 1 });
  return t.Object(
    { model: modelInPath || op.defaultModel ? t.Optional(model) : model, ...REQUIRED[op.id] },
    { additionalProperties: true },
  );
}
