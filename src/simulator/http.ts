// Azure-like response headers and JSON/text response helpers.

/** Per-request identifiers echoed in headers and some error messages. */
export interface ResponseMeta {
  requestId: string;
  clientRequestId?: string;
}

/** Headers a real Azure OpenAI answer carries (AZURE-FACTS §6.3). */
export function buildAzureHeaders(meta: ResponseMeta, contentType: string): Headers {
  const headers = new Headers({
    "content-type": contentType,
    "cache-control": "no-cache, must-revalidate",
    "access-control-allow-origin": "*",
    "x-content-type-options": "nosniff",
    "apim-request-id": meta.requestId,
    "x-request-id": crypto.randomUUID(),
    "x-ms-region": "Sweden Central",
    "x-ratelimit-remaining-requests": "99",
    "x-ratelimit-remaining-tokens": "149000",
  });
  if (meta.clientRequestId !== undefined) headers.set("x-ms-client-request-id", meta.clientRequestId);
  return headers;
}

/** A JSON answer with Azure headers plus `extraHeaders`. */
export function respondJson(status: number, body: unknown, meta: ResponseMeta, extraHeaders: Record<string, string> = {}): Response {
  const headers = buildAzureHeaders(meta, "application/json");
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  return new Response(JSON.stringify(body), { status, headers });
}

/** A plain-text answer (audio `text`/`srt`/`vtt` formats). */
export function respondText(text: string, meta: ResponseMeta): Response {
  return new Response(text, { status: 200, headers: buildAzureHeaders(meta, "text/plain; charset=utf-8") });
}
