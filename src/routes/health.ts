/** GET /healthz: liveness, no auth. */
export function health() {
  return { status: "ok" };
}
