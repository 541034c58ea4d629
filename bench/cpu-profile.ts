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

/** One function's share of the profile, in µs of sampled time. */
export interface FunctionTime {
  /** `name file:line` (file relative to the repository, or the runtime's own name). */
  frame: string;
  selfUs: number;
  totalUs: number;
}

/** Frames that are not work: the profiler's idle and bookkeeping nodes. */
const NOT_WORK = new Set(["(idle)", "(root)", "(program)"]);

function describeFrame(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === "" ? "(anonymous)" : functionName;
  if (url === "") return name;
  const path = url.startsWith("file://") ? url.slice(7) : url;
  const shown = path.startsWith("/") ? relative(root, path) : path;
  return `${name} ${shown}:${lineNumber + 1}`;
}

/**
 * Self time (the function itself was on top) and inclusive time (anywhere on the stack, counted once per
 * sample) per frame, plus the busy total (samples outside idle/program).
 */
export function summariseProfile(profile: CpuProfile, root: string): { busyUs: number; functions: FunctionTime[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const times = new Map<string, FunctionTime>();
  const entry = (frame: string): FunctionTime => {
    let found = times.get(frame);
    if (!found) times.set(frame, (found = { frame, selfUs: 0, totalUs: 0 }));
    return found;
  };
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const top = byId.get(id);
    if (!top || NOT_WORK.has(top.callFrame.functionName)) return;
    busyUs += delta;
    entry(describeFrame(top, root)).selfUs += delta;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      const frame = describeFrame(node, root);
      if (NOT_WORK.has(node.callFrame.functionName) || seen.has(frame)) continue;
      seen.add(frame);
      entry(frame).totalUs += delta;
    }
  });
  return { busyUs, functions: [...times.values()] };
}
