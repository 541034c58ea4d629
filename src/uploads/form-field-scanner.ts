/**
 * Finds one field of a multipart/form-data body while it streams in (RFC 7578), without parsing the
 * rest: file parts are skipped by searching for the next boundary, never copied or decoded.
 */

import { Buffer } from "node:buffer";

const CRLF_CRLF = new TextEncoder().encode("\r\n\r\n");

/** Where the field's value sits in the bytes scanned so far. */
export interface FoundField {
  readonly value: string;
  /** Byte offsets of the value in the scanned bytes: [start, end). */
  readonly start: number;
  readonly end: number;
}

type Phase = "first-boundary" | "after-boundary" | "headers" | "skip-part" | "field-value" | "finished";

/** Reads the `name` of a part from its headers' Content-Disposition, or null. */
export function readPartName(headers: string): string | null {
  for (const line of headers.split("\r\n")) {
    if (!/^content-disposition\s*:/i.test(line)) continue;
    const match = /;\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(line);
    if (!match) return null;
    return match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? null);
  }
  return null;
}

/** Incremental scanner: feed it the body's chunks; it keeps them, in order, in one growing buffer. */
export class FormFieldScanner {
  private bytes = new Uint8Array(64 * 1024);
  private size = 0;
  private position = 0;
  private phase: Phase = "first-boundary";
  private readonly firstDelimiter: Uint8Array;
  private readonly delimiter: Uint8Array;
  private valueStart = 0;
  /** Where the pending search resumes: bytes before it cannot start a match, so they are not searched again. */
  private searchFrom = 0;
  /** The field, once found. */
  found: FoundField | null = null;

  constructor(boundary: string, private readonly fieldName: string) {
    this.firstDelimiter = new TextEncoder().encode(`--${boundary}`);
    this.delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  }

  /** Bytes scanned so far. */
  get length(): number {
    return this.size;
  }

  /** The scanned bytes (a view; valid until the next push). */
  get scanned(): Uint8Array {
    return this.bytes.subarray(0, this.size);
  }

  /** Whether scanning is over: the field was found, or the closing boundary came first. */
  get done(): boolean {
    return this.phase === "finished";
  }

  push(chunk: Uint8Array): void {
    if (this.size + chunk.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + chunk.length));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.size);
    this.size += chunk.length;
    this.scan();
  }

  /** The offset of `pattern` at or after the position, or -1 (and the search resumes near the end next time). */
  private find(pattern: Uint8Array): number {
    const from = Math.max(this.position, this.searchFrom);
    const at = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.size).indexOf(pattern, from);
    this.searchFrom = at < 0 ? Math.max(from, this.size - pattern.length + 1) : 0;
    return at;
  }

  private scan(): void {
    for (;;) {
      switch (this.phase) {
        case "finished":
          return;
        case "first-boundary":
        case "skip-part": {
          const pattern = this.phase === "first-boundary" ? this.firstDelimiter : this.delimiter;
          const at = this.find(pattern);
          if (at < 0) return;
          this.position = at + pattern.length;
          this.phase = "after-boundary";
          break;
        }
        case "after-boundary": {
          if (this.size - this.position < 2) return;
          const closing = this.bytes[this.position] === 0x2d && this.bytes[this.position + 1] === 0x2d; // "--"
          if (closing) {
            this.phase = "finished";
            return;
          }
          const lineEnd = this.find(CRLF_CRLF.subarray(0, 2));
          if (lineEnd < 0) return;
          this.position = lineEnd + 2;
          this.phase = "headers";
          break;
        }
        case "headers": {
          const end = this.find(CRLF_CRLF);
          if (end < 0) return;
          const headers = new TextDecoder().decode(this.bytes.subarray(this.position, end));
          this.position = end + CRLF_CRLF.length;
          if (readPartName(headers) === this.fieldName) {
            this.valueStart = this.position;
            this.phase = "field-value";
          } else {
            this.phase = "skip-part";
          }
          break;
        }
        case "field-value": {
          const end = this.find(this.delimiter);
          if (end < 0) return;
          const value = new TextDecoder().decode(this.bytes.subarray(this.valueStart, end));
          this.found = { value, start: this.valueStart, end };
          this.phase = "finished";
          return;
        }
      }
    }
  }
}
