/**
 * One timer per upstream attempt, in two phases: a hard deadline (first byte: from the request sent
 * until the answer decides the attempt), then an idle limit that every sign of life resets. Resetting
 * costs one clock read — no timer is made per chunk; the timer re-arms itself only when it fires early.
 */

export interface Watchdog {
  /** Starts (or replaces) a hard deadline `ms` from now. */
  deadline(ms: number, cause: string): void;
  /** Switches to an idle limit: expires once nothing happened for `ms`. */
  idle(ms: number, cause: string): void;
  /** A sign of life; counts only in the idle phase. */
  touch(): void;
  stop(): void;
}

/** A watchdog that calls `expire(cause)` once, when its current phase runs out. */
export function createWatchdog(expire: (cause: string) => void): Watchdog {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the pending timer fires (epoch ms).
  let due = 0;
  let last = 0;
  let limit = 0;
  let idlePhase = false;
  let cause = "";
  const clear = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const arm = (ms: number, now: number) => {
    due = now + ms;
    timer = setTimeout(check, ms);
  };
  const check = () => {
    timer = undefined;
    const now = Date.now();
    const quiet = idlePhase ? now - last : limit;
    if (quiet >= limit) return expire(cause);
    arm(limit - quiet, now);
  };
  return {
    deadline(ms, why) {
      clear();
      idlePhase = false;
      limit = ms;
      cause = why;
      arm(ms, Date.now());
    },
    idle(ms, why) {
      idlePhase = true;
      limit = ms;
      cause = why;
      last = Date.now();
      // The first-byte timer still pending fires before this limit can run out (with the defaults, 60 s
      // against 120 s): it is kept, and re-arms for what is left when it fires. One timer per attempt.
      if (timer !== undefined && due <= last + ms) return;
      clear();
      arm(ms, last);
    },
    touch() {
      if (idlePhase) last = Date.now();
    },
    stop: clear,
  };
}
