/** The path of a request, read without trusting its URL to parse (a malformed Host makes `new URL` throw). */

/** Longest path kept for messages and logs. */
const MAX_SHOWN = 200;

/** The request's pathname; from the raw URL text when it does not parse. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1] || "/";
  }
}

/** A path as messages and logs show it: cut after a couple of hundred characters. */
export function showPath(path: string): string {
  return path.length > MAX_SHOWN ? `${path.slice(0, MAX_SHOWN)}…` : path;
}

/** Whether the URL the runtime built from the request line and Host header is a valid one. */
export function hasValidUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
