/**
 * Records the delay of each timer set through the global `setTimeout` shorter than `below` ms,
 * until `restore()`; the timers still run for real. A spec thus checks the exact waits that code
 * plans (a backoff, a refresh interval, a retry schedule) without timing them, which a busy
 * machine stretches. The client's own request deadlines (the 10 s timeout) fall above `below`.
 * `onSet` hears the count after each recorded timer, synchronously, before the caller has it.
 */
export function recordTimers(below = 1000, onSet: (count: number) => void = () => {}): { delays: number[]; restore(): void } {
  const delays: number[] = [];
  const { setTimeout: setTimer } = globalThis;
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (ms !== undefined && ms < below) {
      delays.push(ms);
      onSet(delays.length);
    }
    return setTimer(callback, ms, ...args);
  }) as typeof setTimeout;
  return { delays, restore: () => void (globalThis.setTimeout = setTimer) };
}
