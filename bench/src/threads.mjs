// CPU time of this process's main thread, read from /proc (Linux only): with process.cpuUsage()
// (all threads) it splits a client's cost into event-loop work and everything off it (RSA on
// libuv's pool, V8's GC and compiler threads).
import { readFileSync } from 'node:fs';

const TICK_US = 10_000; // USER_HZ is 100 on every Linux Node supports

/** The main thread's user + system CPU so far, µs; undefined where /proc is not there. */
export function mainThreadCpu() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return undefined;
  }
}
