/** The 404 for a model no configured key serves, listing the ones it does. */
import { ProxyError } from "../errors/openai-error.ts";

export function modelNotFound(model: string, available: readonly string[]): ProxyError {
  const list = available.length ? `Available models: ${available.join(", ")}.` : "No models are configured.";
  return new ProxyError(404, `The model \`${model}\` does not exist or is not served by this haigpt server. ${list}`, {
    code: "model_not_found",
    param: "model",
  });
}
