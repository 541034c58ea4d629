/** An access token for an upstream, or why there is none: the value every token source returns. */

/** Audience of Azure OpenAI tokens: the client-credentials scope and the managed-identity resource. */
export const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";
export const COGNITIVE_SERVICES_RESOURCE = "https://cognitiveservices.azure.com/";

export interface AccessToken {
  /** The bearer token. Never logged, never in an error. */
  readonly token: string;
  /** Epoch ms at which the token stops working. */
  readonly expiresAt: number;
}

/** Why no token came: the endpoint refused (status, OAuth error), was unreachable, or answered nonsense. */
export interface TokenFailure {
  readonly kind: "refused" | "unreachable" | "malformed";
  /** HTTP status of a refusal or a malformed answer. */
  readonly status?: number;
  /** OAuth `error`, e.g. `invalid_client`. */
  readonly error?: string;
  /** Entra's `AADSTS…` code, e.g. `AADSTS7000215` (invalid client secret). */
  readonly aadsts?: string;
  /** A short description for the operator's log; never the secret or a token. */
  readonly detail: string;
}

export type TokenResult =
  | { readonly ok: true; readonly token: AccessToken }
  | { readonly ok: false; readonly failure: TokenFailure };

/** Gets a token for one upstream; never throws (failures are values). */
export type TokenRequest = () => Promise<TokenResult>;

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Reads a token endpoint's answer (Entra, App Service or IMDS); `now` dates `expires_in`. */
export async function readTokenAnswer(response: Response, now: number, secret?: string): Promise<TokenResult> {
  const text = await response.text().catch(() => "");
  let body: Record<string, unknown> | null = null;
  try {
    body = asRecord(JSON.parse(text));
  } catch {
    body = null;
  }
  const clean = (value: string): string => (secret ? value.replaceAll(secret, "…") : value).slice(0, 300);
  if (!response.ok) {
    const error = typeof body?.error === "string" ? body.error : undefined;
    const description = typeof body?.error_description === "string" ? body.error_description : "";
    const aadsts = /AADSTS\d+/.exec(description)?.[0];
    const detail = description ? clean(description) : `HTTP ${response.status} without an OAuth error body`;
    return { ok: false, failure: { kind: "refused", status: response.status, ...(error ? { error } : {}), ...(aadsts ? { aadsts } : {}), detail } };
  }
  const token = body?.access_token;
  const expiresIn = Number(body?.expires_in);
  const expiresOn = Number(body?.expires_on);
  // Entra gives expires_in (seconds from now); App Service and IMDS give expires_on (epoch seconds) too, as strings.
  const expiresAt = Number.isFinite(expiresOn) && expiresOn > 0 ? expiresOn * 1000
    : Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000
    : null;
  if (typeof token !== "string" || token === "" || expiresAt === null) {
    return { ok: false, failure: { kind: "malformed", status: response.status, detail: "the answer has no access_token with an expiry" } };
  }
  return { ok: true, token: { token, expiresAt } };
}

/** The failure for a request that never got an answer (connection refused, DNS, timeout). */
export function unreachable(error: unknown): TokenResult {
  const name = error instanceof Error ? error.name : "";
  const detail = name === "TimeoutError" || name === "AbortError" ? "the token endpoint did not answer in time"
    : `the token endpoint could not be reached (${error instanceof Error ? error.message.slice(0, 200) : "network error"})`;
  return { ok: false, failure: { kind: "unreachable", detail } };
}
