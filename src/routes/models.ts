/** GET /v1/models and /v1/models/{model}: the model names the request's keys serve, in OpenAI's shapes. */
import type { Access } from "../auth/resolve-access.ts";
import { modelsVisibleTo } from "../auth/access-limits.ts";
import { modelNotFound } from "../proxy/model-not-found.ts";

function describeModel(id: string, created: number) {
  return { id, object: "model", created, owned_by: "azure-openai" };
}

/**
 * `created` is the time the server started, the closest honest date a configured name has. A user with
 * a `models` allow-list sees only those.
 */
export function listModels(startedAtSeconds: number) {
  return function handleListModels({ access }: { access: Access }) {
    return { object: "list", data: modelsVisibleTo(access).map((id) => describeModel(id, startedAtSeconds)) };
  };
}

/** One model by name; names served only through the "*" catch-all are not listed, so they are not found here either. */
export function retrieveModel(startedAtSeconds: number) {
  return function handleRetrieveModel({ access, params }: { access: Access; params: { model: string } }) {
    const names = modelsVisibleTo(access);
    if (!names.includes(params.model)) throw modelNotFound(params.model, names);
    return describeModel(params.model, startedAtSeconds);
  };
}
