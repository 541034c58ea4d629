/**
 * Counts tokens with gpt-tokenizer, for the usage chunk a client asked for where Azure's api-version
 * cannot send one. The figures follow OpenAI's published counting (3 tokens per message, 3 to prime
 * the reply); they are close to Azure's, not equal, and the answer says so in a header.
 */

type Count = (text: string) => number;

/** GPT-3.5 and GPT-4 (not 4o / 4.1) use cl100k_base; everything newer o200k_base. */
function encodingOf(model: string): "cl100k_base" | "o200k_base" {
  return /^(gpt-35|gpt-3\.5|gpt-4(-\d|-turbo|-32k|$))/.test(model) ? "cl100k_base" : "o200k_base";
}

const loaded = new Map<string, Promise<Count>>();

/** The counting function of a model's encoding, loaded on first use (the rank tables are large). */
export function loadCounter(model: string): Promise<Count> {
  const encoding = encodingOf(model);
  let counter = loaded.get(encoding);
  if (!counter) {
    counter = (encoding === "cl100k_base" ? import("gpt-tokenizer/encoding/cl100k_base") : import("gpt-tokenizer/encoding/o200k_base")).then(
      (module) => (text: string) => (text === "" ? 0 : module.countTokens(text)),
    );
    loaded.set(encoding, counter);
  }
  return counter;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("");
}

/** Prompt tokens of a chat request's messages (and a legacy completion's prompt). */
export function countPromptTokens(count: Count, body: Record<string, unknown>): number {
  if (Array.isArray(body.messages)) {
    let total = 3;
    for (const message of body.messages as Array<Record<string, unknown>>) {
      total += 3 + count(textOf(message?.content)) + (typeof message?.name === "string" ? 1 + count(message.name) : 0);
      if (Array.isArray(message?.tool_calls)) total += count(JSON.stringify(message.tool_calls));
    }
    return total;
  }
  const prompt = body.prompt;
  return Array.isArray(prompt) ? prompt.reduce((sum: number, part) => sum + count(String(part)), 0) : count(typeof prompt === "string" ? prompt : "");
}
