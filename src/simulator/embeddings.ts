// Embeddings: deterministic vectors derived from a hash of each input, float arrays or base64.

import { estimateTokens, hashText } from "./text.ts";

const DEFAULT_DIMENSIONS = 8;

/** Normalises `input` (string, string[], number[], number[][]) into one item per embedding. */
function listInputs(input: unknown): Array<string | number[]> {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input)) return [""];
  if (input.length > 0 && input.every((item) => typeof item === "number")) return [input as number[]];
  return input.map((item) => (typeof item === "string" ? item : Array.isArray(item) ? (item as number[]) : String(item)));
}

/** Unit-length vector seeded by the input's hash (xorshift32), identical for identical inputs. */
export function computeEmbedding(item: string | number[], dimensions: number): number[] {
  let state = hashText(typeof item === "string" ? item : JSON.stringify(item)) || 1;
  const values = Array.from({ length: dimensions }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0xffffffff - 0.5;
  });
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  // Rounded through Float32 so float and base64 encodings carry the same numbers.
  return values.map((value) => Math.fround(value / norm));
}

/** Little-endian Float32 bytes of `vector`, base64-encoded (what `encoding_format: "base64"` returns). */
export function encodeEmbeddingBase64(vector: number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, index) => view.setFloat32(index * 4, value, true));
  let binary = "";
  for (const byte of new Uint8Array(view.buffer)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The Azure embeddings response body. */
export function buildEmbeddingsResponse(model: string, body: Record<string, unknown>): Record<string, unknown> {
  const inputs = listInputs(body["input"]);
  const requested = body["dimensions"];
  const dimensions = typeof requested === "number" && requested >= 1 ? Math.floor(requested) : DEFAULT_DIMENSIONS;
  const asBase64 = body["encoding_format"] === "base64";
  const data = inputs.map((item, index) => {
    const vector = computeEmbedding(item, dimensions);
    return { object: "embedding", index, embedding: asBase64 ? encodeEmbeddingBase64(vector) : vector };
  });
  const promptTokens = inputs.reduce<number>((sum, item) => sum + (typeof item === "string" ? estimateTokens(item) : item.length), 0);
  return { object: "list", data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
}
