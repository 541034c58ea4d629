// One rung of the relay ladder (bench/relay-ladder.ts): the floor proxy, doing one more of the things a
// normalising stream relay must do per rung, so each rung's cost can be read against the one below it.
// Run as its own process: LADDER_RUNG=<rung> FLOOR_UPSTREAM=<Azure chat URL> FLOOR_KEY=<api-key> PORT=<port>.
import { createParser } from "eventsource-parser";

/** The rungs, cheapest first. */
export const RUNGS = ["pass-through", "bytes", "events", "json"] as const;
export type Rung = (typeof RUNGS)[number];

const upstream = process.env["FLOOR_UPSTREAM"];
const key = process.env["FLOOR_KEY"] ?? "";
const rung = (process.env["LADDER_RUNG"] ?? "pass-through") as Rung;
if (import.meta.main && (!upstream || !RUNGS.includes(rung))) throw new Error(`ladder-proxy: set FLOOR_UPSTREAM and LADDER_RUNG (${RUNGS.join(", ")})`);

const encoder = new TextEncoder();

/** The body a rung answers with: Azure's own (pass-through), or a direct stream the rung's loop writes. */
function relay(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  if (rung === "pass-through") return body;
  const reader = body.getReader();
  return new ReadableStream({
    type: "direct",
    async pull(controller: { write(chunk: Uint8Array): unknown; flush(): unknown; close(): void }) {
      const decoder = new TextDecoder();
      let events: string[] = [];
      const parser = createParser({ onEvent: (event) => void events.push(event.data) });
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        if (rung === "bytes") {
          // Every byte through JavaScript, untouched: what any relay that reads Azure's body pays.
          controller.write(read.value);
        } else {
          // SSE decoded into events and framed again; the json rung also parses and re-serialises each one.
          events = [];
          parser.feed(decoder.decode(read.value, { stream: true }));
          let text = "";
          for (const data of events) text += `data: ${rung === "json" && data !== "[DONE]" ? JSON.stringify(JSON.parse(data)) : data}\n\n`;
          if (text !== "") controller.write(encoder.encode(text));
        }
        await controller.flush();
      }
      controller.close();
    },
  } as unknown as ConstructorParameters<typeof ReadableStream<Uint8Array>>[0]);
}

if (import.meta.main) {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: Number(process.env["PORT"] ?? 0),
    async fetch(request) {
      const answer = await fetch(upstream!, {
        method: "POST",
        headers: { "api-key": key, "content-type": "application/json" },
        body: await request.arrayBuffer(),
      });
      const type = answer.headers.get("content-type") ?? "application/json";
      return new Response(answer.body ? relay(answer.body) : null, { status: answer.status, headers: { "content-type": type } });
    },
  });
  console.log(`ladder (${rung}) listening on ${server.url.origin}`);
  process.on("SIGTERM", () => {
    server.stop(true);
    process.exit(0);
  });
}
