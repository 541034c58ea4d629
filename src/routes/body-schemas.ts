/**
 * Request bodies haigpt checks before calling Azure: only what it needs (the model to route by) and
 * what OpenAI itself requires. Every other field, known or not, is forwarded untouched.
 */
import { t } from "elysia";

export const ChatCompletionBody = t.Object(
  { model: t.String({ minLength: 1 }), messages: t.Array(t.Unknown(), { minItems: 1 }) },
  { additionalProperties: true },
);

export const EmbeddingsBody = t.Object(
  // A string, or an array of strings, token ids or token-id arrays.
  { model: t.String({ minLength: 1 }), input: t.Union([t.String(), t.Array(t.Unknown())]) },
  { additionalProperties: true },
);
