/**
 * Why haigpt closed an upstream connection: made by the attempt (timeouts, the client leaving, shutdown,
 * a discarded answer) and read by the relay to say how a stream ended. Shared by both, owned by neither.
 */
export type AbortCause = "first_byte_timeout" | "idle_timeout" | "client_gone" | "shutdown" | "discarded";
