/**
 * Structured logging: one JSON object a line (or one readable line with `pretty`), the lines of
 * LOG_BATCH_MS written to stdout together. Callers pass masked values only; nothing here sees a secret.
 *
 * Hand-written rather than pino: measured on the request path (bench/README.md), pino's line cost
 * ~16 µs (its serialiser, a diagnostics channel per line, a byte count and a write per line), a third
 * of what the whole proxy may cost per request. A line here is one `JSON.stringify`, in pino's shape
 * (`{"level","time",…fields,"msg"}`), so collectors see the same lines.
 */
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
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

const RANK: Readonly<Record<LogLevel, number>> = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

/**
 * How long a line waits for the lines after it before they are written to stdout together (ms). Under
 * load an event-loop turn finishes one or two requests, so a write per turn was still a write per
 * request (~2 µs each on the benchmark); 10 ms makes it one per hundreds, and no reader notices the wait.
 */
export const LOG_BATCH_MS = 10;

/** Where lines go: each at once to a test's `write`, or batched for LOG_BATCH_MS to stdout. */
interface Sink {
  write(line: string): void;
  flush(): Promise<void>;
}

function testSink(write: (line: string) => void): Sink {
  return { write, flush: async () => {} };
}

function stdoutSink(): Sink {
  let pending = "";
  let scheduled = false;
  let writing: Promise<void> = Promise.resolve();
  const writeOut = () => {
    scheduled = false;
    if (pending === "") return writing;
    const text = pending;
    pending = "";
    // An error here means stdout is gone: nothing to wait for, and nothing a log line could report.
    writing = new Promise<void>((resolve) => void process.stdout.write(text, () => resolve()));
    return writing;
  };
  return {
    write(line) {
      pending += `${line}\n`;
      if (scheduled) return;
      scheduled = true;
      setTimeout(writeOut, LOG_BATCH_MS);
    },
    flush: () =>
      new Promise<void>((resolve) => {
        // Bounded: an exit must not hang on a stuck terminal.
        const timer = setTimeout(resolve, 1_000);
        void writeOut().then(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** The ISO time of now, formatted once per millisecond however many lines that millisecond writes. */
function lineTime(): () => string {
  let formattedMs = Number.NaN;
  let formatted = "";
  return () => {
    const ms = Date.now();
    if (ms !== formattedMs) {
      formattedMs = ms;
      formatted = new Date(ms).toISOString();
    }
    return formatted;
  };
}

/** A logger writing lines at or above `level`; JSON to stdout unless told otherwise. */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const sink = options.write ? testSink(options.write) : stdoutSink();
  const format = options.format === "pretty" ? formatPretty : null;
  const threshold = RANK[level];
  const time = lineTime();
  const emit = (lineLevel: LineLevel) => {
    if (RANK[lineLevel] < threshold) return () => {};
    const head = `{"level":"${lineLevel}","time":"`;
    return (msg: string, fields?: LogFields) => {
      // The fields serialised as they are, `msg` appended: no copy of them made per line.
      let line: string;
      if (fields === undefined) line = `${head}${time()}","msg":${JSON.stringify(msg)}}`;
      else if (Object.hasOwn(fields, "msg")) line = `${head}${time()}",${JSON.stringify({ ...fields, msg }).slice(1)}`;
      else {
        const text = JSON.stringify(fields);
        line = `${head}${time()}"${text.length > 2 ? `,${text.slice(1, -1)}` : ""},"msg":${JSON.stringify(msg)}}`;
      }
      sink.write(format ? format(line) : line);
    };
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    enabled: (lineLevel) => RANK[lineLevel] >= threshold,
    flush: sink.flush,
  };
}
