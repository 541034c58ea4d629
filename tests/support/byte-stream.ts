/** Byte streams built from fragments, to feed parsers awkward splits the way networks do. */
const encoder = new TextEncoder();

/** A body that delivers the given text fragments one read at a time. */
export function streamOf(...fragments: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = fragments.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(typeof next === "string" ? encoder.encode(next) : next);
    },
  });
}

/** A body that delivers the fragments, then fails as a dropped connection would. */
export function streamFailingAfter(...fragments: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = fragments.shift();
      if (next === undefined) controller.error(new Error("connection reset"));
      else controller.enqueue(encoder.encode(next));
    },
  });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The text of chunks, bytes (decoded as UTF-8) or text (the relay's chunks) alike. */
export function decodeAll(chunks: (Uint8Array | string)[]): string {
  const decoder = new TextDecoder();
  return chunks.map((chunk) => (typeof chunk === "string" ? chunk : decoder.decode(chunk))).join("");
}
