/** GET /v1/models: the model names the request's keys serve, in OpenAI's list shape. */
import type { Access } from "../auth/resolve-access.ts";
import { listModelNames } from "../upstream/model-map.ts";

/** `created` is the time the server started, the closest honest date a configured name has. */
export function listModels(startedAtSeconds: number) {
  return function handleListModels({ access }: { access: Access }) {
    return {
      object: "list",
      data: listModelNames(access.keys).map((id) => ({ id, object: "model", created: startedAtSeconds, owned_by: "azure-openai" })),
    };
  };
}
