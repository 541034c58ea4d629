// Image generations (DALL·E): Azure's `data[]` shape with per-image filter results (AZURE-FACTS §4.6).

import { buildSeverityResults } from "./content-filter.ts";
import { readUnixSeconds } from "./text.ts";

/** A 1×1 PNG, returned as `b64_json` and served at the simulated blob URL. */
export const PLACEHOLDER_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** Path prefix of the simulated blob storage that image `url`s point at (not an Azure OpenAI path). */
export const IMAGE_BLOB_PREFIX = "/sim-blob/images/";

/** The PNG bytes of {@link PLACEHOLDER_PNG_BASE64}. */
export function decodePlaceholderPng(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(PLACEHOLDER_PNG_BASE64), (char) => char.charCodeAt(0));
}

/** The Azure `images/generations` body; `origin` is where the simulator is reachable. */
export function buildImagesResponse(model: string, body: Record<string, unknown>, origin: string): Record<string, unknown> {
  const prompt = typeof body["prompt"] === "string" ? body["prompt"] : "";
  const count = typeof body["n"] === "number" && body["n"] >= 1 ? Math.floor(body["n"]) : 1;
  const asBase64 = body["response_format"] === "b64_json";
  const data = Array.from({ length: count }, (_, index) => {
    const image: Record<string, unknown> = {};
    // Only DALL·E 3 rewrites prompts.
    if (model.startsWith("dall-e-3")) image["revised_prompt"] = `A simulated rendering of: ${prompt.slice(0, 60)}`;
    image["prompt_filter_results"] = { ...buildSeverityResults(), profanity: { detected: false, filtered: false } };
    if (asBase64) image["b64_json"] = PLACEHOLDER_PNG_BASE64;
    else image["url"] = `${origin}${IMAGE_BLOB_PREFIX}${crypto.randomUUID()}/generated_${String(index).padStart(2, "0")}.png`;
    image["content_filter_results"] = buildSeverityResults();
    return image;
  });
  return { created: readUnixSeconds(), data };
}
