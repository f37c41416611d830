/**
 * The time source of the sandbox bot: the real one (performance.now and timers), or a virtual one that tests and
 * benchmarks advance by hand, so a turn with 1600 ms of think time runs in microseconds and its figures are exact.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms)),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

interface VirtualTimer {
  id: number;
  at: number;
  callback: () => void;
}

export class VirtualClock implements Clock {
  private time: number;
  private nextId = 1;
  /** Sorted by due time, then by creation (timers due together run in the order they were set). */
  private timers: VirtualTimer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): number {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, Number.isFinite(ms) ? ms : 0), callback };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    return timer.id;
  }

  clearTimeout(timer: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== timer);
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.length;
  }

  /** Move time forward by `ms`, running every timer that falls due on the way at its own time, in order. */
  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  advanceTo(target: number): void {
    while (this.timers.length && this.timers[0]!.at <= target) {
      const timer = this.timers.shift()!;
      this.time = Math.max(this.time, timer.at);
      timer.callback();
    }
    this.time = Math.max(this.time, target);
  }
}
