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

/**
 * One object per attempt with its methods on the prototype (not a closure per method per attempt);
 * `check` is the one function the timer needs. Pass `touch`/`stop` on as `() => watchdog.touch()`.
 */
class TimerWatchdog implements Watchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  // When the pending timer fires (epoch ms).
  private due = 0;
  private last = 0;
  private limit = 0;
  private idlePhase = false;
  private cause = "";
  constructor(private readonly expire: (cause: string) => void) {}
  private readonly check = () => {
    this.timer = undefined;
    const now = Date.now();
    const quiet = this.idlePhase ? now - this.last : this.limit;
    if (quiet >= this.limit) return this.expire(this.cause);
    this.arm(this.limit - quiet, now);
  };
  private arm(ms: number, now: number): void {
    this.due = now + ms;
    this.timer = setTimeout(this.check, ms);
  }
  deadline(ms: number, why: string): void {
    this.stop();
    this.idlePhase = false;
    this.limit = ms;
    this.cause = why;
    this.arm(ms, Date.now());
  }
  idle(ms: number, why: string): void {
    this.idlePhase = true;
    this.limit = ms;
    this.cause = why;
    this.last = Date.now();
    // The first-byte timer still pending fires before this limit can run out (with the defaults, 60 s
    // against 120 s): it is kept, and re-arms for what is left when it fires. One timer per attempt.
    if (this.timer !== undefined && this.due <= this.last + ms) return;
    this.stop();
    this.arm(ms, this.last);
  }
  touch(): void {
    if (this.idlePhase) this.last = Date.now();
  }
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
/** A watchdog that calls `expire(cause)` once, when its current phase runs out. */
export function createWatchdog(expire: (cause: string) => void): Watchdog {
  return new TimerWatchdog(expire);
}
