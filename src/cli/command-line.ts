/** The command line haigpt accepts — `--version`, `--help`, `--config PATH` — parsed strictly with node:util. */
import { parseArgs } from "node:util";

/** What the command line asks for, or the one-line reason it is not accepted. */
export type CommandLine =
  | { readonly ok: true; readonly help: boolean; readonly version: boolean; readonly configPath: string | undefined }
  | { readonly ok: false; readonly message: string };

// -h stays as it always worked; no other short forms.
const OPTIONS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  config: { type: "string" },
} as const;

/** Names the argument parseArgs refused, in words a user can act on. */
function explain(error: Error): string {
  const message = error.message.split("\n")[0] ?? error.message;
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]} (haigpt accepts --config PATH, --help, --version)`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument "${positional[1]}" (haigpt accepts --config PATH, --help, --version)`;
  if (/--config/.test(message)) return "--config needs a path, e.g. --config ./config.json";
  return message;
}

/** Parses `argv` (the arguments after the program); any argument haigpt does not know is refused. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  try {
    const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
    if (values.config !== undefined && values.config.trim() === "") return { ok: false, message: "--config needs a path, e.g. --config ./config.json" };
    return { ok: true, help: values.help === true, version: values.version === true, configPath: values.config };
  } catch (error) {
    return { ok: false, message: explain(error as Error) };
  }
}
