// A local Microsoft Entra ID: the client-credentials token endpoint, the two managed-identity endpoints,
// and the tokens they issued (so a resource can accept exactly those). Error bodies follow Entra's wire
// shape ({"error","error_description","error_codes",…}; the invalid_client one is seen in public reports).

// Written out here rather than imported from haigpt, so the simulator checks haigpt's values.
const COGNITIVE_SERVICES_RESOURCE = "https://cognitiveservices.azure.com/";
const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";

/** The simulated directory: tenant id → client id → client secret; optional managed identity. */
export interface SimEntraOptions {
  tenants: Record<string, Record<string, string>>;
  /** `expires_in` of issued tokens; default 3599 (as Entra). */
  tokenLifetimeSeconds?: number;
  /** When set, `GET /msi/token` (App Service) needs this `X-IDENTITY-HEADER`; IMDS is served at its own path. */
  identityHeader?: string;
}

/** Makes the token endpoints misbehave: refuse every request, answer 503, wait, or wait at a gate. */
export interface EntraFault {
  refuse?: "invalid_client" | "unavailable";
  delayMs?: number;
  /** Holds answers until `sim.release(gate)`. */
  gate?: string;
}

interface Issued {
  expiresAt: number;
  audience: string;
}

/** Issued tokens, the fault in force and a count of token requests; lives as long as its simulator. */
export class EntraIssuer {
  private issued = new Map<string, Issued>();
  fault: EntraFault | null = null;
  /** Token requests received (all endpoints), for single-flight checks. */
  tokenRequests = 0;

  issue(audience: string, lifetimeSeconds: number): string {
    const token = `sim-entra-${crypto.randomUUID()}`;
    this.issued.set(token, { expiresAt: Date.now() + lifetimeSeconds * 1000, audience });
    return token;
  }

  /** Whether `token` was issued here for Azure OpenAI and has not expired. */
  accepts(token: string): boolean {
    const issued = this.issued.get(token);
    return issued !== undefined && issued.audience === COGNITIVE_SERVICES_RESOURCE && issued.expiresAt > Date.now();
  }

  /** Forgets the fault and the count; issued tokens stay valid (a client's cache outlives a test). */
  reset(): void {
    this.fault = null;
    this.tokenRequests = 0;
  }
}

function entraError(status: number, error: string, code: number, message: string): Response {
  const now = new Date().toISOString().replace("T", " ").slice(0, 19) + "Z";
  const traceId = crypto.randomUUID();
  const body = {
    error,
    error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${crypto.randomUUID()}\r\nTimestamp: ${now}`,
    error_codes: [code],
    timestamp: now,
    trace_id: traceId,
    correlation_id: crypto.randomUUID(),
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
  return Response.json(body, { status });
}

function invalidClientSecret(clientId: string): Response {
  return entraError(401, "invalid_client", 7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
}

function grantToken(options: SimEntraOptions, issuer: EntraIssuer, audience: string, extra: Record<string, string>): Response {
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const token = issuer.issue(audience, lifetime);
  return Response.json({ token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: token, ...extra });
}

async function answerClientCredentials(options: SimEntraOptions, issuer: EntraIssuer, tenant: string, request: Request): Promise<Response> {
  const form = new URLSearchParams(await request.text());
  const clients = options.tenants[tenant];
  if (!clients) {
    return entraError(400, "invalid_request", 90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  if (form.get("grant_type") !== "client_credentials") {
    return entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  }
  const clientId = form.get("client_id") ?? "";
  if (!Object.hasOwn(clients, clientId)) {
    return entraError(400, "unauthorized_client", 700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
  }
  if (form.get("client_secret") !== clients[clientId]) return invalidClientSecret(clientId);
  const scope = form.get("scope") ?? "";
  // A token is for the resource its scope names; only the Cognitive Services one opens a resource.
  const audience = scope === COGNITIVE_SERVICES_SCOPE ? COGNITIVE_SERVICES_RESOURCE : scope.replace(/\.default$/, "");
  return grantToken(options, issuer, audience, {});
}

function answerManagedIdentity(options: SimEntraOptions, issuer: EntraIssuer, url: URL, request: Request, appService: boolean): Response {
  if (appService ? request.headers.get("x-identity-header") !== options.identityHeader : request.headers.get("metadata") !== "true") {
    return Response.json({ error: "invalid_request", error_description: "Required metadata header not specified" }, { status: 400 });
  }
  const resource = url.searchParams.get("resource") ?? "";
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const token = issuer.issue(resource, lifetime);
  // App Service and IMDS both give expires_on in epoch seconds, as strings.
  const expiresOn = String(Math.floor(Date.now() / 1000) + lifetime);
  return Response.json({ access_token: token, expires_on: expiresOn, expires_in: String(lifetime), resource, token_type: "Bearer" });
}

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;

/**
 * Answers a token request (`POST /{tenant}/oauth2/v2.0/token`, `GET /metadata/identity/oauth2/token`,
 * `GET /msi/token`); null when the request is not one. `waitForGate` holds a gated fault.
 */
export async function answerTokenRequest(
  options: SimEntraOptions | undefined,
  issuer: EntraIssuer,
  request: Request,
  waitForGate: (gate: string) => Promise<void>,
): Promise<Response | null> {
  if (!options) return null;
  const url = new URL(request.url);
  const tenant = TOKEN_PATH.exec(url.pathname)?.[1];
  const imds = url.pathname === "/metadata/identity/oauth2/token" && request.method === "GET";
  const appService = url.pathname === "/msi/token" && request.method === "GET" && options.identityHeader !== undefined;
  if (!(tenant && request.method === "POST") && !imds && !appService) return null;
  issuer.tokenRequests += 1;
  const fault = issuer.fault;
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault?.gate) await waitForGate(fault.gate);
  if (fault?.refuse === "invalid_client") return invalidClientSecret(url.searchParams.get("client_id") ?? "app");
  if (fault?.refuse === "unavailable") {
    // RFC 6749 §5.2's error code; Entra's exact AADSTS number for this case is not known here.
    return Response.json({ error: "temporarily_unavailable", error_description: "The service is temporarily too busy to handle the request." }, { status: 503 });
  }
  if (tenant) return answerClientCredentials(options, issuer, decodeURIComponent(tenant), request);
  return answerManagedIdentity(options, issuer, url, request, appService);
}
