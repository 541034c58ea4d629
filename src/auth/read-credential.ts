/** Reads the client's credential from the first of Authorization, Authentication (the original design's spelling) and api-key. */

export interface Credential {
  readonly header: "authorization" | "authentication" | "api-key";
  readonly value: string;
}

const CREDENTIAL_HEADERS = ["authorization", "authentication", "api-key"] as const;

/** The credential of a request, with any `Bearer ` prefix removed; null when none is present. */
export function readCredential(headers: Headers): Credential | null {
  for (const header of CREDENTIAL_HEADERS) {
    const raw = headers.get(header);
    if (raw === null) continue;
    const value = header === "api-key" ? raw.trim() : raw.replace(/^\s*bearer\s+/i, "").trim();
    return { header, value };
  }
  return null;
}
