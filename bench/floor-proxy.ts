// The floor: the least a Bun proxy can do (Bun.serve + fetch, answer body passed through untouched).
// Run as its own process by the benchmark: FLOOR_UPSTREAM=<Azure chat URL> FLOOR_KEY=<api-key> PORT=<port>.

const upstream = process.env["FLOOR_UPSTREAM"];
const key = process.env["FLOOR_KEY"] ?? "";
if (!upstream) throw new Error("floor-proxy: set FLOOR_UPSTREAM to the Azure chat/completions URL");

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env["PORT"] ?? 0),
  async fetch(request) {
    const answer = await fetch(upstream, {
      method: "POST",
      headers: { "api-key": key, "content-type": "application/json" },
      body: await request.arrayBuffer(),
    });
    return new Response(answer.body, { status: answer.status, headers: { "content-type": answer.headers.get("content-type") ?? "application/json" } });
  },
});
console.log(`floor listening on ${server.url.origin}`);
// Exit through process.exit on SIGTERM, so `bun --cpu-prof` writes its profile.
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
