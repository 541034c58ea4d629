/** Maps the OpenAI `model` a client asks for to each key's Azure deployment. */
import type { AzureKey } from "../config/schema.ts";
import type { TargetId } from "../policy/next-attempt.ts";

export const CATCH_ALL = "*";

/** One place a request can go: a key and the deployment that serves the model there. */
export interface Target {
  readonly id: TargetId;
  readonly key: AzureKey;
  readonly deployment: string;
}

/** The deployment serving `model` on a key: its own entry, else the "*" catch-all, else null. */
export function resolveDeployment(key: AzureKey, model: string): string | null {
  return Object.hasOwn(key.deployments, model) ? key.deployments[model]! : key.deployments[CATCH_ALL] ?? null;
}

/** The targets that serve `model`, primary first; empty when no key maps it. */
export function planTargets(keys: { primary: AzureKey; secondary: AzureKey | null }, model: string): Target[] {
  const candidates: [TargetId, AzureKey | null][] = [["primary", keys.primary], ["secondary", keys.secondary]];
  const targets: Target[] = [];
  for (const [id, key] of candidates) {
    const deployment = key ? resolveDeployment(key, model) : null;
    if (key && deployment) targets.push({ id, key, deployment });
  }
  return targets;
}

/** The model names the keys serve by name (the catch-all is not a name), sorted and without repeats. */
export function listModelNames(keys: { primary: AzureKey; secondary: AzureKey | null }): string[] {
  const names = new Set<string>();
  for (const key of [keys.primary, keys.secondary]) {
    for (const model of Object.keys(key?.deployments ?? {})) if (model !== CATCH_ALL) names.add(model);
  }
  return [...names].sort();
}
