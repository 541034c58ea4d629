/** The start-up line's account of each configured upstream: where it is, how it signs in; keys masked, client secrets only "set". */
import type { Upstream } from "../routing/upstream.ts";
import { maskSecret } from "../secrets.ts";

function describeAuth(upstream: Upstream): string {
  const { auth } = upstream;
  if (auth.type === "apiKey") return `key ${maskSecret(auth.apiKey)}`;
  if (auth.type === "managedIdentity") return `managed identity${auth.clientId ? ` ${auth.clientId}` : ""}`;
  // A client secret is a password, not a key to tell apart from others: not even part of it is shown.
  return `Entra ID tenant ${auth.tenantId}, client ${auth.clientId}, secret ${auth.clientSecret ? "set" : "not set"} via ${auth.authorityHost}`;
}

/** One line per upstream, e.g. `ptu-east (priority 0, weight 1): contoso-east at https://…, …`. */
export function describeUpstreamConfig(upstreams: readonly Upstream[]): string[] {
  return upstreams.map((upstream) => {
    const models = Object.entries(upstream.deployments).map(([model, deployment]) => `${model}→${deployment}`).join(", ");
    return `${upstream.name} (priority ${upstream.priority}, weight ${upstream.weight}): ${upstream.resourceId} at ` +
      `${upstream.endpoint}, api-version ${upstream.apiVersion}, ${describeAuth(upstream)}, models ${models} (from ${upstream.source})`;
  });
}
