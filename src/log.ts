/**
 * Structured logging through pino: one JSON object a line (or one readable line with `pretty`), written
 * asynchronously. Callers pass masked values only; nothing here sees a secret.
 */
import pino from "pino";
import type { LogFormat, LogLevel } from "./config/schema.ts";
import { formatPretty } from "./log-pretty.ts";

export type LogFields = Readonly<Record<string, unknown>>;
export type LineLevel = Exclude<LogLevel, "silent">;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether a line at `level` would be written, so callers can skip building one that would not. */
  enabled(level: LineLevel): boolean;
  /** Resolves once what is buffered has been written; await it before the process exits. */
  flush(): Promise<void>;
}

export interface LoggerOptions {
  readonly format?: LogFormat;
  /** Receives each finished line instead of stdout (tests read them). */
  readonly write?: (line: string) => void;
}

interface Destination {
  readonly stream: pino.DestinationStream;
  readonly flush: () => Promise<void>;
}

function destinationOf(options: LoggerOptions): Destination {
  const format = options.format === "pretty" ? formatPretty : (line: string) => line;
  if (options.write) {
    const write = options.write;
    return { stream: { write: (line: string) => write(format(line.trimEnd())) }, flush: async () => {} };
  }
  // Asynchronous: a request never waits for its log line to reach the terminal or the collector.
  const stdout = pino.destination({ dest: 1, sync: false });
  const flush = () =>
    new Promise<void>((resolve) => {
      // Bounded: an exit must not hang on a stuck terminal.
      const timer = setTimeout(resolve, 1_000);
      // An error here means nothing was ever written: nothing to wait for either.
      stdout.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  if (options.format !== "pretty") return { stream: stdout, flush };
  return { stream: { write: (line: string) => stdout.write(`${formatPretty(line.trimEnd())}\n`) }, flush };
}

/** A logger writing lines at or above `level`; JSON to stdout unless told otherwise. */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const destination = destinationOf(options);
  const logger = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination.stream,
  );
  const emit = (lineLevel: LineLevel) => (msg: string, fields?: LogFields) => logger[lineLevel](fields ?? {}, msg);
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    enabled: (lineLevel) => logger.isLevelEnabled(lineLevel),
    flush: destination.flush,
  };
}
