/** Reads a request body while counting its bytes, so a body over the limit is cut as it arrives, chunked or not. */
import { bodyTooLargeError } from "../errors/request-errors.ts";

/** Refuses at once a body whose Content-Length already says it is over the limit (the count below catches the rest). */
export function checkDeclaredLength(headers: Headers, limit: number): void {
  if (Number(headers.get("content-length") ?? 0) > limit) throw bodyTooLargeError(limit);
}

/**
 * The whole body as bytes; a 413 as soon as more than `limit` bytes have come (the rest is not
 * read). Content-Length is not trusted: a chunked body has none, and a lying one is caught here too.
 */
export async function readBodyBytes(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      throw bodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
