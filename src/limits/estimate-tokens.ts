/**
 * The up-front token estimate a TPM limit charges before Azure answers: the prompt's tokens (counted by
 * an injected counter, so a real tokenizer can be plugged in) plus the most the answer may use.
 */
import type { OperationId } from "../proxy/operations.ts";

/** Counts the prompt tokens of a request body (messages, prompt or input). */
export type PromptTokenCounter = (body: Readonly<Record<string, unknown>>) => number;

/** Completion tokens assumed when the request sets no `max_completion_tokens` / `max_tokens`. */
export const DEFAULT_COMPLETION_ESTIMATE = 1_024;

/** The fields that hold the prompt, per operation. */
const PROMPT_FIELDS = ["messages", "prompt", "input", "instructions"] as const;

/**
 * A tokenizer-free stand-in: about four characters of prompt text per token (OpenAI's rule of thumb),
 * counted over the JSON of the prompt fields. Used until a real tokenizer is injected.
 */
export const approximatePromptTokens: PromptTokenCounter = (body) => {
  let characters = 0;
  for (const field of PROMPT_FIELDS) {
    const value = body[field];
    if (value !== undefined) characters += typeof value === "string" ? value.length : JSON.stringify(value).length;
  }
  return Math.ceil(characters / 4);
};

/** Operations whose answer is made of completion tokens; the others (embeddings, images, audio) add none. */
const WITH_COMPLETION: ReadonlySet<OperationId> = new Set<OperationId>(["chat", "completions", "responses"]);

/**
 * Prompt tokens plus the answer's cap: `max_completion_tokens`, else `max_tokens` (or the Responses
 * API's `max_output_tokens`), else `defaultCompletion`. A whole number, never negative.
 */
export function estimateRequestTokens(input: {
  body: Readonly<Record<string, unknown>>;
  operation: OperationId;
  countPromptTokens: PromptTokenCounter;
  defaultCompletion?: number;
}): number {
  const { body, operation, countPromptTokens, defaultCompletion = DEFAULT_COMPLETION_ESTIMATE } = input;
  const prompt = Math.max(0, Math.ceil(countPromptTokens(body)));
  if (!WITH_COMPLETION.has(operation)) return prompt;
  const cap = [body.max_completion_tokens, body.max_tokens, body.max_output_tokens].find(
    (value): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0,
  );
  const n = body.n;
  // n choices each may use the whole cap.
  const choices = typeof n === "number" && Number.isInteger(n) && n > 1 ? n : 1;
  return prompt + Math.ceil(cap ?? defaultCompletion) * choices;
}
