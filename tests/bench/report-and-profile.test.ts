// The benchmark's pure parts: ratios to the floor, what fails a run, and the .cpuprofile summary.

import { describe, expect, test } from "bun:test";
import { summariseProfile, type CpuProfile } from "../../bench/cpu-profile.ts";
import type { LoadFigures, TargetFigures } from "../../bench/measure.ts";
import { computeRatios, formatTable, listProblems, ratio } from "../../bench/report.ts";

const load = (over: Partial<LoadFigures> = {}): LoadFigures => ({
  requests: 1000, reqPerSec: 1000, p50Ms: 1, p99Ms: 2, cpuUsPerRequest: 40, peakRssMb: 50, errors: 0, ...over,
});
const figures = (over: Partial<TargetFigures> = {}): TargetFigures => ({
  nonStreaming: load(),
  streaming: load(),
  firstByte: { requests: 10, errors: 0, p50Ms: 0.2, p99Ms: 0.5 },
  slowStreams: { streams: 10, completed: 10, errors: 0, wallMs: 4000, firstByteP50Ms: 1, firstByteMaxMs: 2, idleRssMb: 30, peakRssMb: 50, cpuMs: 10, allAtOnce: true },
  ...over,
});

describe("ratios to the floor", () => {
  test.each([
    [80, 40, 2],
    [1, 3, 0.33],
    [5, 0, null],
    [5, undefined, null],
    [Number.NaN, 4, null],
  ])("ratio(%p, %p) = %p", (value, floor, expected) => {
    expect(ratio(value, floor)).toBe(expected);
  });

  test("each target's figures divide by the floor's, mode by mode", () => {
    const ratios = computeRatios({ floor: figures(), haigpt: figures({ nonStreaming: load({ cpuUsPerRequest: 60, reqPerSec: 800 }) }) });
    expect(ratios["floor"]!["nonStreaming"]!["cpuUsPerRequest"]).toBe(1);
    expect(ratios["haigpt"]!["nonStreaming"]!["cpuUsPerRequest"]).toBe(1.5);
    expect(ratios["haigpt"]!["nonStreaming"]!["reqPerSec"]).toBe(0.8);
    expect(ratios["haigpt"]!["streaming"]!["cpuUsPerRequest"]).toBe(1);
  });
});

describe("the table", () => {
  test("the slow-stream rows give idle and peak memory and say the proxies were started afresh for them", () => {
    const table = formatTable({ floor: figures(), haigpt: figures({ slowStreams: { ...figures().slowStreams, idleRssMb: 57, peakRssMb: 99 } }) }, 64);
    const haigptRow = table.split("\n").find((line) => line.startsWith("haigpt  raised"));
    expect(haigptRow).toMatch(/ 57 +99 +1\.98× /);
    expect(table).toContain("started afresh for this mode");
  });
});

describe("what fails a run", () => {
  test("a clean run has no problems", () => {
    expect(listProblems({ floor: figures(), haigpt: figures() })).toEqual([]);
  });

  test("errors, empty modes and incomplete streams are each named", () => {
    const problems = listProblems({
      haigpt: figures({
        nonStreaming: load({ errors: 3 }),
        streaming: load({ requests: 0 }),
        slowStreams: { ...figures().slowStreams, completed: 9 },
      }),
    });
    expect(problems).toEqual([
      "haigpt nonStreaming: 3 errors",
      "haigpt streaming: no request answered",
      "haigpt slow streams: 9/10 complete, 0 errors",
    ]);
  });
});

describe("summariseProfile", () => {
  // root → main (src/a.ts) → helper (src/b.ts); idle samples do not count as work.
  const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", ""), children: [2, 4, 5] },
      { id: 2, callFrame: frame("main", "file:///repo/src/a.ts", 9), children: [3] },
      { id: 3, callFrame: frame("helper", "file:///repo/src/b.ts", 19) },
      { id: 4, callFrame: frame("(idle)", "") },
      { id: 5, callFrame: frame("", "") },
    ],
    samples: [3, 3, 2, 4, 4, 4, 5],
    timeDeltas: [1, 1, 1, 500, 500, 500, 1],
  };

  test("counts self and inclusive samples per frame, idle left out", () => {
    const { busy, functions } = summariseProfile(profile, "/repo");
    const byFrame = Object.fromEntries(functions.map((f) => [f.frame, [f.self, f.total]]));
    expect(busy).toBe(4);
    expect(byFrame).toEqual({ "helper src/b.ts:20": [2, 2], "main src/a.ts:10": [1, 3], "(native code)": [1, 1] });
  });
});
