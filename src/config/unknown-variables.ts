/** Finds `HAIGPT_*` variables that are not settings (a typo is otherwise silently ignored) and the setting meant. */
import { SETTING_VARIABLES, type Env } from "./sources.ts";

/** `HAIGPT_` variables read outside the settings table. */
// HAIGPT_RELAUNCHED marks the process haigpt replaced itself with under Bun to raise its fetch cap (connection-limit.ts).
const OTHER_VARIABLES = ["HAIGPT_CONFIG", "HAIGPT_RELAUNCHED"];

/** Edit distance between two names (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Every variable name haigpt reads that starts with `HAIGPT_`. */
export function knownHaigptVariables(): string[] {
  return [...Object.values(SETTING_VARIABLES).filter((name) => name.startsWith("HAIGPT_")), ...OTHER_VARIABLES];
}

/** One warning per `HAIGPT_` variable that is not a setting, naming the closest real one. */
export function warnUnknownVariables(env: Env): string[] {
  const known = knownHaigptVariables();
  return Object.keys(env)
    .filter((name) => name.startsWith("HAIGPT_") && !known.includes(name))
    .sort()
    .map((name) => {
      const closest = [...known].sort((a, b) => distance(name, a) - distance(name, b))[0];
      return `environment variable ${name} is not a haigpt setting and is ignored (did you mean ${closest}?)`;
    });
}
