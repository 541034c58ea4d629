/** Prompt tokens for the TPM estimate, counted with gpt-tokenizer (the same counter include_usage uses). */
import { countPromptTokens, loadCounter } from "../compat/count-tokens.ts";
import type { PromptTokenCounter } from "./estimate-tokens.ts";

type Count = (text: string) => number;

/** An embeddings or Responses `input`: text, texts, token ids, arrays of token ids, or input items. */
function countInput(count: Count, input: unknown): number {
  if (input === undefined || input === null) return 0;
  if (typeof input === "string") return count(input);
  if (typeof input === "number") return 1;
  if (!Array.isArray(input)) return count(JSON.stringify(input));
  let total = 0;
  for (const item of input) total += Array.isArray(item) ? item.length : countInput(count, item);
  return total;
}

/** A counter for `model`'s encoding: chat messages and legacy prompts, plus `input` and `instructions`. */
export async function loadPromptCounter(model: string): Promise<PromptTokenCounter> {
  const count = await loadCounter(model);
  return (body) => {
    const asPrompt = Array.isArray(body.messages) || body.prompt !== undefined ? countPromptTokens(count, body as Record<string, unknown>) : 0;
    const instructions = typeof body.instructions === "string" ? count(body.instructions) : 0;
    return asPrompt + countInput(count, body.input) + instructions;
  };
}
