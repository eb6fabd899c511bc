import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `done()` holds, looking every 10 ms; throws naming `what` once `limitMs` has passed.
 * For background work (timers, callbacks, refreshes): a loaded machine stretches it, so a spec
 * waits for the outcome instead of sleeping a fixed time and then counting. The limit only
 * catches what never happens: keep it many times what the work takes on a busy machine.
 */
export async function eventually(done: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(10);
  }
}
