/** Maps the OpenAI `model` a client asks for to each key's Azure deployment. */
import type { AzureKey } from "../config/schema.ts";

/** Which configured key a target is: the primary or the secondary. */
export type TargetId = "primary" | "secondary";

export const CATCH_ALL = "*";

/** One place a request can go: a key and the deployment that serves the model there. */
export interface Target {
  readonly id: TargetId;
  readonly key: AzureKey;
  readonly deployment: string;
}

/** The deployment serving `model` on a key: its own entry, else the "*" catch-all, else null. */
export function resolveDeployment(key: Pick<AzureKey, "deployments">, model: string): string | null {
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

/**
 * The OpenAI model name for an Azure deployment, for Azure-shaped clients that name deployments:
 * a model the primary (else the secondary) maps to it by name; a deployment only the catch-all
 * serves keeps its own name; null when no key knows the deployment.
 */
export function modelForDeployment(keys: { primary: AzureKey; secondary: AzureKey | null }, deployment: string): string | null {
  let servedByCatchAll = false;
  for (const key of [keys.primary, keys.secondary]) {
    for (const [model, name] of Object.entries(key?.deployments ?? {})) {
      if (name !== deployment) continue;
      if (model !== CATCH_ALL) return model;
      servedByCatchAll = true;
    }
  }
  return servedByCatchAll ? deployment : null;
}

/** The deployment names the keys know, sorted and without repeats (for a 404's message). */
export function listDeploymentNames(keys: { primary: AzureKey; secondary: AzureKey | null }): string[] {
  const names = new Set<string>();
  for (const key of [keys.primary, keys.secondary]) for (const name of Object.values(key?.deployments ?? {})) names.add(name);
  return [...names].sort();
}
