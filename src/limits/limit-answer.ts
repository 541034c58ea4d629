/**
 * A limited user's answer: haigpt's `x-ratelimit-*` headers (the user's own limits) replace Azure's
 * (the deployment's), on a whole answer, a stream and an error alike; and the request's limits end
 * when the answer has ended — at once for a whole answer, after the last chunk of a stream. A failure
 * without a usage settles the token estimate with 0; a stream that broke keeps it (content may have gone).
 */
import { ProxyError } from "../errors/openai-error.ts";
import type { TokenUsage } from "../observe/token-usage.ts";
import type { StreamAnswer } from "../proxy/build-answer.ts";
import type { RequestLimits } from "./request-limits.ts";

const RATE_LIMIT_PREFIX = "x-ratelimit-";

/** What a failed answer without a usage used: nothing, so it holds none of the user's tokens per minute. */
const NOTHING_USED: TokenUsage = Object.freeze({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

/**
 * `headers` without any `x-ratelimit-*`, plus the user's; unchanged for a user with neither rpm nor tpm
 * (nothing of haigpt's to say, so Azure's figures stay, as for users without limits).
 */
function withUserHeaders(headers: Readonly<Record<string, string>>, limits: RequestLimits): Record<string, string> {
  if (Object.keys(limits.headers).length === 0) return { ...headers };
  const kept = Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith(RATE_LIMIT_PREFIX));
  return { ...Object.fromEntries(kept), ...limits.headers };
}

/**
 * Returns the answer with the user's headers and with `limits.end` tied to its end; `usage` reads the
 * request's real usage then (a stream's usage chunk comes last). A client that leaves a stream also
 * ends them (the abort), whichever comes first: `end` acts once.
 */
export function limitAnswer(answer: Response | StreamAnswer, limits: RequestLimits, usage: () => TokenUsage | null, clientSignal: AbortSignal): Response | StreamAnswer {
  if (answer instanceof Response) {
    // A whole answer that is not a 2xx and reports no usage used nothing (Azure's 5xx, a content-filter 400).
    limits.end(usage() ?? (answer.ok ? null : NOTHING_USED));
    if (Object.keys(limits.headers).length === 0) return answer;
    // A new Response: the answer's headers may be immutable (a fetched Response passed through).
    const headers = withUserHeaders(Object.fromEntries(answer.headers), limits);
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers });
  }
  const stream = answer.stream;
  const end = () => limits.end(usage());
  clientSignal.addEventListener("abort", end, { once: true });
  async function* endingStream() {
    try {
      yield* stream;
    } finally {
      clientSignal.removeEventListener("abort", end);
      end();
    }
  }
  return { ...answer, headers: withUserHeaders(answer.headers, limits), stream: endingStream() };
}

/** Ends the limits of a request that failed before an answer, and gives its error the user's headers. */
export function limitError(error: unknown, limits: RequestLimits, usage: () => TokenUsage | null): unknown {
  limits.end(usage() ?? NOTHING_USED);
  if (!(error instanceof ProxyError)) return error;
  return new ProxyError(error.status, error.message, { code: error.code, param: error.param, headers: withUserHeaders(error.headers, limits) });
}
