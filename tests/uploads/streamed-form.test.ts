import { describe, expect, test } from "bun:test";
import { ProxyError } from "../../src/errors/openai-error.ts";
import { readPartName, FormFieldScanner } from "../../src/uploads/form-field-scanner.ts";
import { readBoundary, readFormField } from "../../src/uploads/streamed-form.ts";
import { streamOf } from "../support/byte-stream.ts";

/** A real multipart body as the runtime encodes FormData, with its content type. */
async function encodeForm(fields: [string, string | Blob, string?][]): Promise<{ bytes: Uint8Array; contentType: string }> {
  const form = new FormData();
  for (const [name, value, filename] of fields) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, value, filename ?? "audio.wav");
  }
  const request = new Request("http://localhost/", { method: "POST", body: form });
  // Read the header first: Bun drops it once the body has been consumed.
  const contentType = request.headers.get("content-type")!;
  return { bytes: new Uint8Array(await request.arrayBuffer()), contentType };
}

/** Splits bytes into pieces of the given size, the way a network delivers them. */
function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const audio = new Blob([new Uint8Array(200_000).map((_, i) => (i * 7) % 256)], { type: "audio/wav" });

describe("readPartName", () => {
  test.each([
    ['Content-Disposition: form-data; name="model"', "model"],
    ['content-disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav', "file"],
    ["Content-Disposition: form-data; name=model", "model"],
    ['Content-Disposition: form-data; name="we\\"ird"', 'we"ird'],
    ["Content-Type: text/plain", null],
  ])("%p → %p", (headers, name) => {
    expect(readPartName(headers)).toBe(name);
  });
});

describe("readBoundary", () => {
  test("reads quoted and bare boundaries of multipart/form-data only", () => {
    expect(readBoundary("multipart/form-data; boundary=abc")).toBe("abc");
    expect(readBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(readBoundary("application/json")).toBeNull();
    expect(readBoundary("multipart/form-data")).toBeNull();
  });
});

describe("readFormField", () => {
  test.each([1, 7, 64, 4096])("finds model after a 200 kB file part, fed in %d-byte pieces", async (size) => {
    const { bytes, contentType } = await encodeForm([["file", audio], ["model", "whisper-1"], ["language", "en"]]);
    const form = await readFormField(streamOf(...pieces(bytes, size)), contentType, "model", 1_000_000);
    expect(form.field?.value).toBe("whisper-1");
    expect(await readAll(form.open())).toEqual(bytes);
  });

  test("stops reading once the field is found: the rest streams later", async () => {
    const { bytes, contentType } = await encodeForm([["model", "whisper-1"], ["file", audio]]);
    const chunks = pieces(bytes, 1024);
    let delivered = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks[delivered++];
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const form = await readFormField(body, contentType, "model", 1_000_000);
    expect(form.field?.value).toBe("whisper-1");
    expect(delivered).toBeLessThan(5);
    expect(await readAll(form.open())).toEqual(bytes);
  });

  test("every open() replays the whole body, and the replacement changes only the field's value", async () => {
    const { bytes, contentType } = await encodeForm([["file", audio], ["model", "whisper-1"]]);
    const form = await readFormField(streamOf(...pieces(bytes, 3000)), contentType, "model", 1_000_000);
    const first = await readAll(form.open());
    const second = await readAll(form.open("my-whisper-deployment"));
    expect(first).toEqual(bytes);
    const parsed = await new Response(second, { headers: { "content-type": contentType } }).formData();
    expect(parsed.get("model")).toBe("my-whisper-deployment");
    expect(new Uint8Array(await (parsed.get("file") as Blob).arrayBuffer())).toEqual(new Uint8Array(await audio.arrayBuffer()));
  });

  test("a form without the field reads to its end and reports none", async () => {
    const { bytes, contentType } = await encodeForm([["file", audio]]);
    const form = await readFormField(streamOf(...pieces(bytes, 5000)), contentType, "model", 1_000_000);
    expect(form.field).toBeNull();
    expect(await readAll(form.open())).toEqual(bytes);
  });

  test("more than the limit before the field is found is a 413", async () => {
    const { bytes, contentType } = await encodeForm([["file", audio], ["model", "whisper-1"]]);
    const error = await readFormField(streamOf(...pieces(bytes, 5000)), contentType, "model", 50_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).status).toBe(413);
  });

  test("more than the limit after the field is found errors the body stream with a 413", async () => {
    const { bytes, contentType } = await encodeForm([["model", "whisper-1"], ["file", audio]]);
    const form = await readFormField(streamOf(...pieces(bytes, 5000)), contentType, "model", 50_000);
    const error = await readAll(form.open()).catch((e: unknown) => e);
    expect((error as ProxyError).status).toBe(413);
  });

  test("a body that is not multipart is a 415; multipart without a boundary a 400", async () => {
    const error = await readFormField(streamOf("{}"), "application/json", "model", 1000).catch((e: unknown) => e);
    expect((error as ProxyError).status).toBe(415);
    const noBoundary = await readFormField(streamOf("{}"), "multipart/form-data", "model", 1000).catch((e: unknown) => e);
    expect((noBoundary as ProxyError).status).toBe(400);
  });
});

test("the scanner does not rescan a long file part for every chunk", () => {
  // 20 MB in 16 kB chunks: a rescanning search would read ~12 GB and time out.
  const scanner = new FormFieldScanner("XyZ", "model");
  scanner.push(new TextEncoder().encode('--XyZ\r\nContent-Disposition: form-data; name="file"\r\n\r\n'));
  const chunk = new Uint8Array(16 * 1024).fill(0x61);
  for (let i = 0; i < 1280; i++) scanner.push(chunk);
  scanner.push(new TextEncoder().encode('\r\n--XyZ\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper\r\n--XyZ--\r\n'));
  expect(scanner.found?.value).toBe("whisper");
});
