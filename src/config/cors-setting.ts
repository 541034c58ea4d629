/** The CORS origins setting (`HAIGPT_CORS_ORIGINS`): its default per mode, its check at start-up, and what it allows. */

/** `*`, a comma-separated list of origins, or `off`. */
export type CorsSetting = string;

/**
 * The default: off when anyone may use the server's keys (anonymous mode: any web page could spend
 * the operator's quota from its visitors' browsers), else any origin (callers need a bearer token).
 */
export function defaultCorsSetting(anonymous: boolean): CorsSetting {
  return anonymous ? "off" : "*";
}

/** What is wrong with a setting, in words for a ConfigError, or null when it is valid. */
export function findCorsProblem(setting: CorsSetting): string | null {
  if (setting === "*" || setting === "off") return null;
  for (const entry of setting.split(",").map((e) => e.trim())) {
    if (!/^https?:\/\/[^/\s?#*,]+$/i.test(entry)) {
      return `must be *, off, or a comma-separated list of origins such as https://chat.example.com (scheme and host, no path); entry "${entry.slice(0, 100)}" is not one`;
    }
  }
  return null;
}

/** Whether the setting lets a page at `origin` call haigpt. */
export function allowsOrigin(origin: string, setting: CorsSetting): boolean {
  if (setting === "*") return true;
  if (setting === "off") return false;
  return setting.split(",").some((entry) => entry.trim().toLowerCase() === origin.toLowerCase());
}
