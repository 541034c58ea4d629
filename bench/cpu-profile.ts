// Reading a V8/JSC `.cpuprofile` (what `bun --cpu-prof` writes): self and inclusive time per function.
import { relative } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/** The parts of a `.cpuprofile` used here. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of the profile, in samples (each one sampling interval of a busy JS thread). */
export interface FunctionTime {
  /** `name file:line` (file relative to the repository, or the runtime's own name). */
  frame: string;
  self: number;
  total: number;
}

/** Frames that are not work: the profiler's idle and bookkeeping nodes. */
const NOT_WORK = new Set(["(idle)", "(root)", "(program)"]);

function describeFrame(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  // No name and no script: the runtime's own native work (HTTP server, streams) with no JS frame above it.
  if (functionName === "" && url === "") return "(native code)";
  const name = functionName === "" ? "(anonymous)" : functionName;
  if (url === "") return name;
  const path = url.startsWith("file://") ? url.slice(7) : url;
  const shown = path.startsWith("/") ? relative(root, path) : path;
  return `${name} ${shown}:${lineNumber + 1}`;
}

/**
 * Self samples (the function itself was on top) and inclusive samples (anywhere on the stack, counted once
 * per sample) per frame, plus the busy total. Samples are counted, not weighted by `timeDeltas`: a sample
 * after an idle gap carries the gap in its delta, which would inflate whatever ran first after idling.
 */
export function summariseProfile(profile: CpuProfile, root: string): { busy: number; functions: FunctionTime[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const times = new Map<string, FunctionTime>();
  const entry = (frame: string): FunctionTime => {
    let found = times.get(frame);
    if (!found) times.set(frame, (found = { frame, self: 0, total: 0 }));
    return found;
  };
  let busy = 0;
  for (const id of profile.samples) {
    const top = byId.get(id);
    if (!top || NOT_WORK.has(top.callFrame.functionName)) continue;
    busy += 1;
    entry(describeFrame(top, root)).self += 1;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      const frame = describeFrame(node, root);
      if (NOT_WORK.has(node.callFrame.functionName) || seen.has(frame)) continue;
      seen.add(frame);
      entry(frame).total += 1;
    }
  }
  return { busy, functions: [...times.values()] };
}
