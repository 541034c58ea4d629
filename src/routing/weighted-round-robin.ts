/**
 * Smooth weighted round-robin (the nginx algorithm): each pick adds every candidate's weight to its
 * running score, takes the highest, and takes the total off the winner. 3:1 weights give A A B A,
 * spread evenly rather than in bursts. The scores are a plain value passed in and returned.
 */

/** Upstream name → running score. Names missing from it start at 0. */
export type SwrrState = Readonly<Record<string, number>>;

export interface Weighted {
  readonly name: string;
  readonly weight: number;
}

/**
 * Picks one of `candidates` (non-empty) and returns the scores after the pick. Scores of names outside
 * `candidates` are kept, so an upstream that cools down briefly keeps its place. Ties go to the earlier
 * candidate.
 */
export function pickWeighted(candidates: readonly Weighted[], state: SwrrState): { name: string; state: SwrrState } {
  if (candidates.length === 0) throw new Error("pickWeighted needs at least one candidate");
  const next: Record<string, number> = { ...state };
  let total = 0;
  let best: Weighted | undefined;
  for (const candidate of candidates) {
    total += candidate.weight;
    next[candidate.name] = (next[candidate.name] ?? 0) + candidate.weight;
    if (best === undefined || next[candidate.name]! > next[best.name]!) best = candidate;
  }
  next[best!.name] = next[best!.name]! - total;
  return { name: best!.name, state: next };
}
