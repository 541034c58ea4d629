/**
 * Request bodies haigpt checks before calling Azure: only what it needs (the model to route by) and
 * what OpenAI itself requires. Every other field, known or not, is forwarded untouched.
 */
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { t, type TSchema } from "elysia";
import type { ProxyError } from "../errors/openai-error.ts";
import { invalidBodyError } from "../errors/request-errors.ts";
import type { OperationId } from "../proxy/operations.ts";

/** Longest model name accepted: real ones are short, and the name goes into logs and error messages. */
export const MAX_MODEL_LENGTH = 256;

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

interface SchemaOperation {
  readonly id: OperationId;
  readonly defaultModel: string | null;
}

/**
 * The body schema of a JSON operation. `model` is required unless the operation has a default
 * (images) or the model comes from the URL (Azure-shaped clients name the deployment there).
 */
export function bodySchemaFor(op: SchemaOperation, modelInPath: boolean) {
  const model = t.String({ minLength: 1, maxLength: MAX_MODEL_LENGTH });
  return t.Object(
    { model: modelInPath || op.defaultModel ? t.Optional(model) : model, ...REQUIRED[op.id] },
    { additionalProperties: true },
  );
}

/**
 * The check of an operation's body: null when valid, else the 400 to send. Compiled on the route's first
 * request, once: a server holds the compiled checks of the routes its clients use, not of all of them.
 */
export function compileBodyCheck(op: SchemaOperation, modelInPath: boolean): (body: unknown) => ProxyError | null {
  let check: ReturnType<typeof TypeCompiler.Compile> | undefined;
  return (body) => {
    check ??= TypeCompiler.Compile(bodySchemaFor(op, modelInPath));
    return check.Check(body) ? null : invalidBodyError(body, check.Errors(body).First());
  };
}
