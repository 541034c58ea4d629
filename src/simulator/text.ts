// Deterministic text helpers: prompt extraction, reply wording, token estimates, ids, hashing.

/** Text of a message `content` that may be a string or an array of typed parts. */
export function extractContentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (typeof part === "object" && part !== null && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : ""))
    .filter((text) => text !== "")
    .join(" ");
}

/** Text of the last `role: "user"` entry of a chat `messages` or Responses `input` array. */
export function extractLastUserText(items: unknown): string {
  if (typeof items === "string") return items;
  if (!Array.isArray(items)) return "";
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as { role?: unknown; content?: unknown } | null;
    if (item && item.role === "user") return extractContentText(item.content);
  }
  return "";
}

/** The deterministic reply tests compare against. */
export function composeReply(kind: "answer" | "completion", deployment: string, said: string): string {
  return `Simulated ${kind} from deployment ${deployment}: you said "${said.slice(0, 60)}".`;
}

/** Splits text into word pieces (each keeps its trailing spaces) whose concatenation is the text. */
export function splitIntoPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Rough token count (~4 characters per token), at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** FNV-1a 32-bit hash. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** `prefix` + random alphanumerics, like Azure's `chatcmpl-…` ids. */
export function createRandomId(prefix: string, length = 29): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return prefix + Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join("");
}

/** Stable `system_fingerprint` per model. */
export function buildFingerprint(model: string): string {
  return `fp_${hashText(model).toString(16).padStart(8, "0")}`;
}

/** Current Unix time in seconds. */
export function readUnixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
