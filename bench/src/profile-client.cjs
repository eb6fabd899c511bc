// One client of profile.mjs in a process of its own, started by the parent with or without
// `--cpu-prof` (or `--perf-basic-prof`, for perf attached from outside once warm). CommonJS on purpose: the threads that exist before anything runs (V8's platform
// workers, Node's own, the profiler's) are listed here first, so that the ones libuv starts later
// for its pool (where RSA signing runs) are known as such.
'use strict';
const { readdirSync, readFileSync } = require('node:fs');

const TICK_US = 10_000; // USER_HZ is 100 on every Linux Node supports

/** Every thread of this process: id → { name, cpu µs so far }; empty where /proc is not there. */
function threads() {
  const out = {};
  let ids = [];
  try {
    ids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const id of ids) {
    try {
      const name = readFileSync(`/proc/self/task/${id}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[id] = { name, cpu: (Number(fields[11]) + Number(fields[12])) * TICK_US };
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

const atStart = new Set(Object.keys(threads()));

/** What a thread is: the event loop, the profiler's, V8's platform workers (GC, compiler), or libuv's pool. */
function kindOf(id, name) {
  if (Number(id) === process.pid) return 'main';
  if (name.startsWith('v8:Prof')) return 'profiler';
  return atStart.has(id) ? 'v8-platform' : 'libuv-pool';
}

process.once('message', async ({ name, keysPem, baseURL, concurrency, warmupMs, seconds }) => {
  const { Sandbox } = await import('wechatpay-ts/testing');
  const { makeRequest } = await import('./clients.mjs');
  const { floorRequest } = await import('./floor.mjs');
  const { runFor } = await import('./stats.mjs');
  const sandbox = new Sandbox({ keys: keysPem, mode: 'certificate' });
  const call = name === 'node-floor' ? floorRequest(sandbox, baseURL) : makeRequest(name, sandbox, { baseURL });
  await runFor(call, concurrency, warmupMs);
  // The parent may attach an outside profiler (perf) now; it says when to start.
  await new Promise((resolve) => {
    process.once('message', resolve);
    process.send({ warm: true });
  });
  const before = threads();
  const cpuBefore = process.cpuUsage();
  // The profile's sample timestamps are CLOCK_MONOTONIC µs, as process.hrtime is.
  const from = Number(process.hrtime.bigint() / 1000n);
  const result = await runFor(call, concurrency, seconds * 1000);
  const to = Number(process.hrtime.bigint() / 1000n);
  const cpu = process.cpuUsage(cpuBefore);
  const after = threads();
  const perThread = Object.entries(after).map(([id, { name: comm, cpu: end }]) => ({ id, kind: kindOf(id, comm), cpu: end - (before[id]?.cpu ?? 0) }));
  process.send({ count: result.count, perSecond: result.perSecond, cpu: cpu.user + cpu.system, window: { from, to }, threads: perThread }, () => process.exit(0));
});
