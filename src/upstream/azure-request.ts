/**
 * Builds each attempt's request to Azure from the client's payload and the attempt's upstream: the URL
 * for the upstream's surface, the headers that authenticate it (`api-key` or an Entra bearer token,
 * from src/upstream-auth), the body adapted to its api-version. The client's own headers are not
 * forwarded (its Authorization least of all).
 */
import { adaptParams, type Adaptation, type ParamsMode, type UsagePlan } from "../compat/adapt-params.ts";
import type { ProxyError } from "../errors/openai-error.ts";
import { buildAzureUrl, deploymentInBody } from "./azure-url.ts";
import type { Target } from "./model-map.ts";
import type { UpstreamRequest } from "./attempt.ts";
import type { StreamedForm } from "../uploads/streamed-form.ts";

/**
 * What building a request needs to know of an operation (src/proxy/operations.ts has the table): its
 * path, where the deployment goes, and which stream it answers with (chat and completions bodies are
 * adapted to the key's api-version).
 */
export interface RequestOperation {
  readonly path: string;
  readonly dated: "deployment-path" | "model-in-body";
  readonly stream: string | null;
}

/** What the client sent, ready to be sent again on every attempt. */
export type RequestPayload =
  | { readonly kind: "json"; readonly body: Readonly<Record<string, unknown>> }
  | { readonly kind: "multipart"; readonly form: StreamedForm };

/** A target's request, and the parameters removed or renamed for its key's api-version. */
export interface PreparedRequest {
  /**
   * A fresh request for one attempt, authenticated with `auth` (`credentials.headersFor(upstream)`,
   * fetched per attempt so a refreshed token is used): an upload's body stream can be read only once.
   */
  readonly open: (auth: AuthHeaderValues) => UpstreamRequest;
  readonly dropped: readonly string[];
  /** How a streamed answer's usage chunk is obtained on this key (include_usage). */
  readonly usage: UsagePlan;
}

const NO_USAGE: UsagePlan = { source: "none", strip: false };

/** The headers that authenticate one attempt: `api-key`, or `authorization: Bearer …` for a token. */
export type AuthHeaderValues = Readonly<Record<string, string>>;

/** Headers for Azure: the credential, the body's type, and our request id so Azure's logs can be matched to ours. */
export function buildAzureHeaders(auth: AuthHeaderValues, requestId: string, contentType: string): Record<string, string> {
  return {
    ...auth,
    "content-type": contentType,
    accept: "application/json, text/event-stream, */*",
    "x-ms-client-request-id": requestId,
    "user-agent": "haigpt",
  };
}

/** The request for attempts on `target`, or the 400 its api-version gives this request (tools it lacks). */
export function prepareRequest(
  op: RequestOperation,
  target: Target,
  payload: RequestPayload,
  options: {
    readonly params: ParamsMode;
    readonly requestId: string;
    /**
     * The request's adaptations by api-version, shared by its targets: upstreams on the same api-version
     * (the usual primary and secondary) adapt the body once, and share the adapted body (read only).
     */
    readonly adaptations?: Map<string, Adaptation>;
  },
): PreparedRequest | ProxyError {
  const { key, deployment } = target;
  const url = buildAzureUrl(key, deployment, op.path, op.dated);
  const modelInBody = deploymentInBody(key, op.dated);
  if (payload.kind === "multipart") {
    const { form } = payload;
    return {
      open: (auth) => ({
        url,
        method: "POST",
        headers: buildAzureHeaders(auth, options.requestId, form.contentType),
        body: form.open(modelInBody ? deployment : undefined),
      }),
      dropped: [],
      usage: NO_USAGE,
    };
  }
  let body: Record<string, unknown>;
  let dropped: readonly string[] = [];
  let usage = NO_USAGE;
  if (op.stream === "chat" || op.stream === "completions") {
    let adapted = options.adaptations?.get(key.apiVersion);
    if (!adapted) {
      adapted = adaptParams(op.stream, { ...payload.body }, key.apiVersion, options.params);
      options.adaptations?.set(key.apiVersion, adapted);
    }
    if (!adapted.ok) return adapted.error;
    ({ body, dropped, usage } = adapted);
  } else body = { ...payload.body };
  if (modelInBody) body = { ...body, model: deployment };
  // Written on the first attempt on this target: a secondary that is never tried never holds a copy.
  let text: string | undefined;
  const adaptedBody = body;
  return {
    open: (auth) => ({ url, method: "POST", headers: buildAzureHeaders(auth, options.requestId, "application/json"), body: (text ??= JSON.stringify(adaptedBody)) }),
    dropped,
    usage,
  };
}
