export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const min = (xs) => Math.min(...xs);
export const max = (xs) => Math.max(...xs);
/** `{ median, min, max }` of a list of numbers. */
export const summary = (xs) => ({ median: median(xs), min: min(xs), max: max(xs), n: xs.length });
/** Paired ratios a[i]/b[i] (same round), summarised. */
export const ratios = (a, b) => summary(a.map((x, i) => x / b[i]));

/**
 * Runs `fn` from `concurrency` workers until `ms` have passed; every call must succeed.
 * Returns completed calls and the elapsed wall time (the last call in flight finishes).
 */
export async function runFor(fn, concurrency, ms) {
  let count = 0;
  let failure;
  const start = performance.now();
  const deadline = start + ms;
  const worker = async () => {
    while (failure === undefined && performance.now() < deadline) {
      try {
        await fn();
        count += 1;
      } catch (error) {
        failure = error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) throw failure;
  const elapsed = performance.now() - start;
  return { count, elapsed, perSecond: (count * 1000) / elapsed, usPerCall: (elapsed * 1000) / count };
}

/** Runs `fn` exactly `n` times from `concurrency` workers. */
export async function runCount(fn, concurrency, n) {
  let started = 0;
  const worker = async () => {
    while (started < n) {
      started += 1;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The order of `items` for round `r`: rotated, so no client always goes first. */
export const rotation = (items, r) => items.map((_, i) => items[(i + r) % items.length]);
