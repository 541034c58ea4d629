// `GET /openai/v1/models`: OpenAI.Model list. UNCONFIRMED whether Azure lists deployments or the model
// catalogue (AZURE-FACTS §7); the simulator lists the resource's underlying models.

import type { SimResource } from "./types.ts";

/** Fixed creation time so listings are deterministic. */
const LISTED_CREATED = 1715367049;

/** `{object:"list", data:[{id, object:"model", created, owned_by}]}` for the distinct models of a resource. */
export function buildModelList(resource: SimResource): Record<string, unknown> {
  const models = [...new Set(Object.values(resource.deployments).map((deployment) => deployment.model))];
  return { object: "list", data: models.map((id) => ({ id, object: "model", created: LISTED_CREATED, owned_by: "system" })) };
}
