// The benchmark's output: ratios to the floor, a plain-text table, and problems that make a run fail.
import type { LoadFigures, SlowStreamFigures, TargetFigures } from "./measure.ts";
import type { TargetName } from "./targets.ts";

export type Results = Partial<Record<TargetName, TargetFigures>>;

/** `value / floor` rounded, or null when there is no floor to compare with. */
export function ratio(value: number | undefined, floor: number | undefined): number | null {
  if (value === undefined || floor === undefined || !Number.isFinite(value) || !Number.isFinite(floor) || floor === 0) return null;
  return Number((value / floor).toFixed(2));
}

/** Each load figure as a ratio to the floor's, per target and mode (the figures the issue's targets use). */
export function computeRatios(results: Results): Record<string, Record<string, Record<string, number | null>>> {
  const floor = results.floor;
  const out: Record<string, Record<string, Record<string, number | null>>> = {};
  for (const [name, figures] of Object.entries(results) as Array<[TargetName, TargetFigures]>) {
    const perMode: Record<string, Record<string, number | null>> = {};
    for (const mode of ["nonStreaming", "streaming"] as const) {
      const own: LoadFigures = figures[mode];
      const base = floor?.[mode];
      perMode[mode] = {
        reqPerSec: ratio(own.reqPerSec, base?.reqPerSec),
        p50Ms: ratio(own.p50Ms, base?.p50Ms),
        p99Ms: ratio(own.p99Ms, base?.p99Ms),
        cpuUsPerRequest: ratio(own.cpuUsPerRequest, base?.cpuUsPerRequest),
        peakRssMb: ratio(own.peakRssMb, base?.peakRssMb),
      };
    }
    perMode["firstByte"] = { p50Ms: ratio(figures.firstByte.p50Ms, floor?.firstByte.p50Ms), p99Ms: ratio(figures.firstByte.p99Ms, floor?.firstByte.p99Ms) };
    perMode["slowStreams"] = { peakRssMb: ratio(figures.slowStreams.peakRssMb, floor?.slowStreams.peakRssMb), wallMs: ratio(figures.slowStreams.wallMs, floor?.slowStreams.wallMs) };
    out[name] = perMode;
  }
  return out;
}

const cell = (value: number | string, width: number): string => String(value).padStart(width);
const times = (value: number | null): string => (value === null ? "" : `${value.toFixed(2)}×`);
const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : "–");

function formatLoadRows(results: Results, mode: "nonStreaming" | "streaming", label: string): string[] {
  const floor = results.floor?.[mode];
  return (Object.entries(results) as Array<[TargetName, TargetFigures]>).map(([name, figures]) => {
    const f = figures[mode];
    return [
      label.padEnd(14), name.padEnd(7),
      cell(f.reqPerSec, 8), cell(times(ratio(f.reqPerSec, floor?.reqPerSec)), 7),
      cell(fixed(f.p50Ms, 2), 7), cell(fixed(f.p99Ms, 2), 7),
      cell(fixed(f.cpuUsPerRequest, 1), 8), cell(times(ratio(f.cpuUsPerRequest, floor?.cpuUsPerRequest)), 7),
      cell(fixed(f.peakRssMb, 0), 6), cell(times(ratio(f.peakRssMb, floor?.peakRssMb)), 7),
      cell(f.errors, 6),
    ].join(" ");
  });
}

/** How the slow-stream figures were taken, said in the table and the JSON. */
export const SLOW_STREAMS_NOTE =
  "slow streams: floor and haigpt are started afresh for this mode (RSS is a high-water mark: after the loads it would be theirs); " +
  "idle = RSS of the tree just before the streams open; direct is the simulator that served every mode";

function formatSlowRow(name: string, cap: string, s: SlowStreamFigures, floor: SlowStreamFigures | undefined): string {
  return [
    name.padEnd(7), cap.padEnd(8), cell(`${s.completed}/${s.streams}`, 10), cell(fixed(s.wallMs / 1000, 2), 7), (s.allAtOnce ? "at once" : "waves").padStart(8),
    cell(s.firstByteP50Ms, 8), cell(s.firstByteMaxMs, 8), cell(fixed(s.idleRssMb, 0), 5), cell(fixed(s.peakRssMb, 0), 6), cell(times(ratio(s.peakRssMb, floor?.peakRssMb)), 7), cell(s.errors, 6),
  ].join(" ");
}

/** The table printed at the end of a run. */
export function formatTable(results: Results, connections: number): string {
  const lines = [
    `mode           target     req/s  ×floor  p50 ms  p99 ms  CPU µs/req ×floor  RSS MB ×floor errors   (${connections} connections)`,
    ...formatLoadRows(results, "nonStreaming", "non-streaming"),
    ...formatLoadRows(results, "streaming", "stream (20)"),
    "",
    "first byte of a stream (one request at a time)   p50 ms  p99 ms  p50 − floor's",
  ];
  const floorFirst = results.floor?.firstByte;
  for (const [name, figures] of Object.entries(results) as Array<[TargetName, TargetFigures]>) {
    const fb = figures.firstByte;
    const delta = floorFirst ? `${(fb.p50Ms - floorFirst.p50Ms >= 0 ? "+" : "")}${fixed(fb.p50Ms - floorFirst.p50Ms, 2)} ms` : "";
    lines.push(`  ${name.padEnd(46)} ${cell(fixed(fb.p50Ms, 2), 7)} ${cell(fixed(fb.p99Ms, 2), 7)}  ${delta}${fb.errors ? `  errors ${fb.errors}` : ""}`);
  }
  lines.push("", "slow streams, all opened at once (first bytes in ms; RSS in MB)");
  lines.push("target  fetch cap   complete  wall s      how  1st p50  1st max  idle   peak  ×floor errors");
  for (const [name, figures] of Object.entries(results) as Array<[TargetName, TargetFigures]>) {
    lines.push(formatSlowRow(name, name === "direct" ? "–" : "raised", figures.slowStreams, results.floor?.slowStreams));
    if (figures.slowStreamsDefaultCap) lines.push(formatSlowRow(name, "default", figures.slowStreamsDefaultCap, results.floor?.slowStreamsDefaultCap));
  }
  lines.push(`(${SLOW_STREAMS_NOTE})`);
  return lines.join("\n");
}

/** What makes a run fail: any error, any stream that did not complete, any mode that answered nothing. */
export function listProblems(results: Results): string[] {
  const problems: string[] = [];
  for (const [name, f] of Object.entries(results) as Array<[TargetName, TargetFigures]>) {
    for (const mode of ["nonStreaming", "streaming"] as const) {
      if (f[mode].errors > 0) problems.push(`${name} ${mode}: ${f[mode].errors} errors`);
      if (f[mode].requests === 0) problems.push(`${name} ${mode}: no request answered`);
    }
    if (f.firstByte.errors > 0 || f.firstByte.requests === 0) problems.push(`${name} first byte: ${f.firstByte.errors} errors of ${f.firstByte.requests}`);
    for (const slow of [f.slowStreams, f.slowStreamsDefaultCap]) {
      if (slow && (slow.errors > 0 || slow.completed < slow.streams)) problems.push(`${name} slow streams: ${slow.completed}/${slow.streams} complete, ${slow.errors} errors`);
    }
  }
  return problems;
}
