/**
 * A multipart/form-data upload relayed as it arrives: read only until the `model` field is found
 * (when the file part comes first, that means holding it, up to the body-size limit), then stream the
 * rest. Every byte read is kept, so a retry or failover can send the same body again.
 */
import { ProxyError } from "../errors/openai-error.ts";
import { bodyTooLargeError } from "../errors/request-errors.ts";
import { FormFieldScanner, type FoundField } from "./form-field-scanner.ts";

/** The boundary of a multipart/form-data content type, or null. */
export function readBoundary(contentType: string): string | null {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

/** The part of a stream reader the form needs (Bun's and Node's reader types differ beyond it). */
interface ByteReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}

/** An upload whose field was read; `open` gives each attempt its own stream of the whole body. */
export class StreamedForm {
  private readonly tail: Uint8Array[] = [];
  private size: number;
  private ended = false;
  private failure: unknown = null;
  private pending: Promise<void> | null = null;

  constructor(
    /** Everything read while looking for the field. */
    private readonly head: Uint8Array,
    readonly field: FoundField | null,
    readonly contentType: string,
    private readonly reader: ByteReader,
    private readonly limit: number,
    ended: boolean,
  ) {
    this.size = head.length;
    this.ended = ended;
  }

  private readMore(): Promise<void> {
    this.pending ??= this.reader
      .read()
      .then(
        ({ done, value }) => {
          if (done || !value) this.ended = true;
          else if ((this.size += value.length) > this.limit) {
            this.failure = bodyTooLargeError(this.limit);
            this.reader.cancel().catch(() => {});
          } else this.tail.push(value);
        },
        (error: unknown) => {
          this.failure = error;
        },
      )
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** The whole body from its first byte, with the field's value replaced when `replacement` is given. */
  open(replacement?: string): ReadableStream<Uint8Array> {
    let next = -1;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (next < 0) {
          next = 0;
          controller.enqueue(this.headWith(replacement));
          return;
        }
        while (next >= this.tail.length) {
          if (this.failure) return controller.error(this.failure);
          if (this.ended) return controller.close();
          await this.readMore();
        }
        controller.enqueue(this.tail[next++]!);
      },
    });
  }

  private headWith(replacement: string | undefined): Uint8Array {
    if (replacement === undefined || !this.field) return this.head;
    const value = new TextEncoder().encode(replacement);
    const { start, end } = this.field;
    const out = new Uint8Array(this.head.length - (end - start) + value.length);
    out.set(this.head.subarray(0, start));
    out.set(value, start);
    out.set(this.head.subarray(end), start + value.length);
    return out;
  }
}

/**
 * Reads `body` until the form field `name` is found, the form ends, or `limit` bytes have come
 * without it (413). A body of another media type is a 415; multipart without a boundary, a 400.
 */
export async function readFormField(
  body: ReadableStream<Uint8Array> | null,
  contentType: string,
  name: string,
  limit: number,
): Promise<StreamedForm> {
  const boundary = readBoundary(contentType);
  if (!/^\s*multipart\/form-data\s*(?:;|$)/i.test(contentType)) {
    // Another media type altogether (JSON sent to an upload endpoint): the JSON endpoints' 415.
    throw new ProxyError(415, "This endpoint takes an upload: send it as Content-Type: multipart/form-data, as the OpenAI SDKs do.", {
      code: "unsupported_media_type",
    });
  }
  if (!boundary || !body) {
    throw new ProxyError(400, "This endpoint expects a multipart/form-data body with a boundary, as the OpenAI SDKs send.", {
      code: "invalid_content_type",
    });
  }
  const scanner = new FormFieldScanner(boundary, name);
  const reader = body.getReader() as unknown as ByteReader;
  let ended = false;
  while (!scanner.done) {
    const { done, value } = await reader.read();
    if (done || !value) {
      ended = true;
      break;
    }
    scanner.push(value);
    if (scanner.length > limit) {
      reader.cancel().catch(() => {});
      throw bodyTooLargeError(limit);
    }
  }
  return new StreamedForm(scanner.scanned.slice(), scanner.found, contentType, reader, limit, ended);
}
