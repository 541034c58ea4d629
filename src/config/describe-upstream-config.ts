/** The start-up line's account of each configured upstream: where it is, how it signs in, secrets masked. */
import type { Upstream } from "../routing/upstream.ts";
import { maskSecret } from "../secrets.ts";

function describeAuth(upstream: Upstream): string {
  const { auth } = upstream;
  if (auth.type === "apiKey") return `key ${maskSecret(auth.apiKey)}`;
  if (auth.type === "managedIdentity") return `managed identity${auth.clientId ? ` ${auth.clientId}` : ""}`;
  return `Entra ID tenant ${auth.tenantId}, client ${auth.clientId}, secret ${maskSecret(auth.clientSecret)} via ${auth.authorityHost}`;
}

/** One line per upstream, e.g. `ptu-east (priority 0, weight 1): contoso-east at https://…, …`. */
export function describeUpstreamConfig(upstreams: readonly Upstream[]): string[] {
  return upstreams.map((upstream) => {
    const models = Object.entries(upstream.deployments).map(([model, deployment]) => `${model}→${deployment}`).join(", ");
    return `${upstream.name} (priority ${upstream.priority}, weight ${upstream.weight}): ${upstream.resourceId} at ` +
      `${upstream.endpoint}, api-version ${upstream.apiVersion}, ${describeAuth(upstream)}, models ${models} (from ${upstream.source})`;
  });
}
