/** The handler of a proxied JSON operation: the body's `model` picks the deployment, the rest goes to Azure as sent. */
import { proxyRequest, type ProxyDeps } from "../proxy/proxy-request.ts";
import { requestIdOf } from "./request-id.ts";
import { sendAnswer, type ProxiedContext } from "./route-context.ts";

/** A handler for `operation` (the Azure path under the deployment, e.g. `chat/completions`). */
export function proxyRoute(deps: ProxyDeps, operation: string) {
  return async function handleProxied(ctx: ProxiedContext<{ model: string }>) {
    const answer = await proxyRequest(
      {
        access: ctx.access,
        requestId: requestIdOf(ctx.set),
        request: ctx.request,
        operation,
        model: ctx.body.model,
        body: ctx.body,
      },
      deps,
    );
    return sendAnswer(ctx.set, answer);
  };
}
