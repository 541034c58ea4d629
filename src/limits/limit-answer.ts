/**
 * A limited user's answer: haigpt's `x-ratelimit-*` headers (the user's own limits) replace Azure's
 * (the deployment's), on a whole answer, a stream and an error alike; and the request's limits end
 * when the answer has ended — at once for a whole answer, after the last chunk of a stream.
 */
import { ProxyError } from "../errors/openai-error.ts";
import type { TokenUsage } from "../observe/token-usage.ts";
import type { StreamAnswer } from "../proxy/build-answer.ts";
import type { RequestLimits } from "./request-limits.ts";

const RATE_LIMIT_PREFIX = "x-ratelimit-";

/** `headers` without any `x-ratelimit-*`, plus the user's. */
function withUserHeaders(headers: Readonly<Record<string, string>>, limits: RequestLimits): Record<string, string> {
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
    limits.end(usage());
    for (const name of [...answer.headers.keys()]) if (name.startsWith(RATE_LIMIT_PREFIX)) answer.headers.delete(name);
    for (const [name, value] of Object.entries(limits.headers)) answer.headers.set(name, value);
    return answer;
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
  limits.end(usage());
  if (!(error instanceof ProxyError)) return error;
  return new ProxyError(error.status, error.message, { code: error.code, param: error.param, headers: withUserHeaders(error.headers, limits) });
}
