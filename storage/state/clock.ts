/**
 * Time for every time-driven state. States are derived from stored timestamps when read; the
 * clock's timers only wake waiters (long polls, deliveries) and never hold state themselves.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` once the clock reaches `atMs`; returns a cancel function. */
  schedule(atMs: number, fn: () => void): () => void;
  readonly kind: "real" | "virtual";
}

export class RealClock implements Clock {
  readonly kind = "real" as const;

  now(): number {
    return Date.now();
  }

  schedule(atMs: number, fn: () => void): () => void {
    const timer = setTimeout(fn, Math.max(0, atMs - Date.now()));
    timer.unref();
    return () => clearTimeout(timer);
  }
}

/** A clock that moves only when told, so tests of timeouts and lifecycles run in no wall time. */
export class VirtualClock implements Clock {
  readonly kind = "virtual" as const;
  private current: number;
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(startMs = Date.now()) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  schedule(atMs: number, fn: () => void): () => void {
    const timer = { at: atMs, fn, seq: this.seq++ };
    if (atMs <= this.current) {
      queueMicrotask(fn);
      return () => {};
    }
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, firing every timer that falls due, in time order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError("a clock only moves forward");
    this.set(this.current + ms);
  }

  set(atMs: number): void {
    if (atMs < this.current) throw new RangeError("a clock only moves forward");
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > atMs) break;
      this.timers.shift();
      this.current = next.at;
      next.fn();
    }
    this.current = atMs;
  }
}
