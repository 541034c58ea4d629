/** Token usage as Azure reports it (`usage` of chat/completions/embeddings, or the Responses API's input/output names). */

export interface TokenUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

function count(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** Reads a `usage` object; null when it is not one (missing counts, negative, not whole numbers). */
export function readTokenUsage(value: unknown): TokenUsage | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const usage = value as Record<string, unknown>;
  const prompt = count(usage.prompt_tokens ?? usage.input_tokens);
  // Embeddings report no completion tokens: zero, not unknown.
  const completion = count(usage.completion_tokens ?? usage.output_tokens ?? 0);
  if (prompt === null || completion === null) return null;
  const total = count(usage.total_tokens) ?? prompt + completion;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
}
