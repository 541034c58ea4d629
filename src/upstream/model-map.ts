/** Maps the OpenAI `model` a client asks for to each upstream's Azure deployment. */
import type { Upstream } from "../routing/upstream.ts";

/** Which upstream a target is: its name (`primary`, `secondary`, or an `upstreams` entry's name). */
export type TargetId = string;

export const CATCH_ALL = "*";

/** One place a request can go: an upstream and the deployment that serves the model there. */
export interface Target {
  readonly id: TargetId;
  readonly key: Upstream;
  readonly deployment: string;
}

/** The upstreams a request may use; only their deployments matter here. */
export interface DeploymentSet {
  readonly upstreams: readonly { readonly deployments: Readonly<Record<string, string>> }[];
}

/** The deployment serving `model` on an upstream: its own entry, else the "*" catch-all, else null. */
export function resolveDeployment(key: { readonly deployments: Readonly<Record<string, string>> }, model: string): string | null {
  return Object.hasOwn(key.deployments, model) ? key.deployments[model]! : key.deployments[CATCH_ALL] ?? null;
}

/** The targets that serve `model`, in configuration order; empty when no upstream maps it. */
export function planTargets(keys: { readonly upstreams: readonly Upstream[] }, model: string): Target[] {
  const targets: Target[] = [];
  for (const key of keys.upstreams) {
    const deployment = resolveDeployment(key, model);
    if (deployment) targets.push({ id: key.name, key, deployment });
  }
  return targets;
}

/** The model names the upstreams serve by name (the catch-all is not a name), sorted and without repeats. */
export function listModelNames(keys: DeploymentSet): string[] {
  const names = new Set<string>();
  for (const key of keys.upstreams) {
    for (const model of Object.keys(key.deployments)) if (model !== CATCH_ALL) names.add(model);
  }
  return [...names].sort();
}

/**
 * The OpenAI model name for an Azure deployment, for Azure-shaped clients that name deployments:
 * a model the first upstream knowing it maps to it by name; a deployment only the catch-all
 * serves keeps its own name; null when no upstream knows the deployment.
 */
export function modelForDeployment(keys: DeploymentSet, deployment: string): string | null {
  let servedByCatchAll = false;
  for (const key of keys.upstreams) {
    for (const [model, name] of Object.entries(key.deployments)) {
      if (name !== deployment) continue;
      if (model !== CATCH_ALL) return model;
      servedByCatchAll = true;
    }
  }
  return servedByCatchAll ? deployment : null;
}

/** The deployment names the upstreams know, sorted and without repeats (for a 404's message). */
export function listDeploymentNames(keys: DeploymentSet): string[] {
  const names = new Set<string>();
  for (const key of keys.upstreams) for (const name of Object.values(key.deployments)) names.add(name);
  return [...names].sort();
}
