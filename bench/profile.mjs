// `npm --prefix bench run profile`: where one call's CPU goes, per module. Each client runs in a
// process of its own (src/profile-client.cjs) against the loopback sandbox (its own process, not
// counted), at concurrency 16 by default, warmed up first, three times a round: unprofiled (the
// reference figure), under `node --cpu-prof` (V8's profiler, src/profile-groups.mjs), and, where
// Linux `perf` can attach, under `perf record -e cpu-clock -g` (src/profile-perf.mjs), which samples
// threads only while they run and so is not misled by preemption on a loaded machine. Each thread
// kind's share is measured from /proc over the same window: the main thread's CPU is split by the
// profile's self time per module (a native frame counts for the JS function that called it); the
// other threads are libuv's pool (RSA signing) and V8's platform workers (GC helpers, the
// optimising compiler); `--cpu-prof`'s own thread is overhead, not a cost of the client.
// Writes results/profile.json and results/profile.md, and keeps the raw profiles in
// results/profiles/ (ignored by git): `node profile.mjs --table wechatpay-ts-0 60 [perf]` lists the
// 60 largest functions behind the groups of a run (`--cpu-prof`'s, or perf's).
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Sandbox } from 'wechatpay-ts/testing';
import { machine } from './src/machine.mjs';
import { breakdown, functions, renderBreakdown } from './src/profile-groups.mjs';
import { perfAvailable, perfBreakdown, startPerf } from './src/profile-perf.mjs';
import { startServerProcess } from './src/server-process.mjs';
import { rotation } from './src/stats.mjs';

const env = process.env;
const SETTINGS = {
  clients: (env.BENCH_CLIENTS ?? 'wechatpay-ts,node-floor').split(','),
  concurrency: Number(env.BENCH_CONCURRENCY ?? 16),
  seconds: Number(env.BENCH_PROFILE_SECONDS ?? 12),
  // V8 is still optimising the client's functions after a few thousand calls: a long warm-up.
  warmupMs: Number(env.BENCH_WARMUP_MS ?? 10000),
  /** `--cpu-prof-interval`, µs. */
  interval: Number(env.BENCH_PROFILE_INTERVAL ?? 500),
  /** perf's sampling frequency, Hz. */
  frequency: Number(env.BENCH_PERF_FREQUENCY ?? 1999),
  rounds: Number(env.BENCH_PROFILE_ROUNDS ?? 2),
  profilers: (env.BENCH_PROFILERS ?? 'cpu-prof,perf').split(','),
};
const log = (...args) => console.error('[profile]', ...args);
const results = new URL('./results/', import.meta.url);
const profiles = new URL('./profiles/', results);

// `--table DIR [N] [perf]`: the functions behind each group, from a run kept in results/profiles/DIR.
if (process.argv[2] === '--table') {
  const dir = new URL(`${process.argv[3].replace(/\/?$/, '/')}`, profiles);
  const file = readdirSync(dir).find((entry) => entry.endsWith('.cpuprofile'));
  const rows = process.argv[5] === 'perf'
    ? JSON.parse(readFileSync(new URL('functions-perf.json', dir), 'utf8'))
    : functions(JSON.parse(readFileSync(new URL(file, dir), 'utf8')), JSON.parse(readFileSync(new URL('figures.json', dir), 'utf8')));
  for (const [group, fn, us] of rows.slice(0, Number(process.argv[4] ?? 60))) console.log(`${us.toFixed(1).padStart(7)} µs  ${group.padEnd(48).slice(0, 48)}  ${fn}`);
  process.exit(0);
}

if (SETTINGS.profilers.includes('perf') && !(await perfAvailable())) {
  log('perf cannot sample here: --cpu-prof only');
  SETTINGS.profilers = SETTINGS.profilers.filter((profiler) => profiler !== 'perf');
}
const keys = Sandbox.generateKeys();
const keysPem = Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, key.export({ type: 'pkcs8', format: 'pem' }).toString()]));
const server = await startServerProcess(keysPem);

/**
 * Runs `name` in a child process and resolves with what it reported: unprofiled (`how`
 * undefined), under `--cpu-prof` into `dir`, or with perf recording into `dir`/perf.data.
 */
async function runChild(name, how, dir) {
  const baseURL = await server.fresh();
  const execArgv = how === 'cpu-prof' ? ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', String(SETTINGS.interval)] : how === 'perf' ? ['--perf-basic-prof', '--interpreted-frames-native-stack', `--logfile=${dir}v8.log`, '--no-logfile-per-isolate'] : [];
  const child = fork(new URL('./src/profile-client.cjs', import.meta.url), { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stopPerf;
  const figures = new Promise((resolve, reject) => {
    child.on('message', async (message) => {
      if (!message.warm) return resolve(message);
      if (how === 'perf') stopPerf = await startPerf(child.pid, `${dir}perf.data`, SETTINGS.frequency);
      child.send({ go: true });
    });
    child.once('exit', (code) => reject(new Error(`${name}: the client process exited (${code}) before reporting`)));
  });
  child.send({ name, keysPem, baseURL, concurrency: SETTINGS.concurrency, warmupMs: SETTINGS.warmupMs, seconds: SETTINGS.seconds });
  const reported = await figures;
  await exited;
  await stopPerf?.();
  return { ...reported, pid: child.pid };
}

const run = { settings: SETTINGS, machine: machine(), startedAt: new Date().toISOString(), loadAverage: { start: loadavg() }, clients: {} };
mkdirSync(profiles, { recursive: true });
try {
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    for (const name of rotation(SETTINGS.clients, round)) {
      const dir = new URL(`./${name}-${round}/`, profiles);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const plain = await runChild(name);
      const figures = { unprofiled: { cpuPerCall: plain.cpu / plain.count, perSecond: plain.perSecond } };
      if (SETTINGS.profilers.includes('cpu-prof')) {
        const profiled = await runChild(name, 'cpu-prof', dir.pathname);
        writeFileSync(new URL('figures.json', dir), JSON.stringify(profiled));
        const file = readdirSync(dir).find((entry) => entry.endsWith('.cpuprofile'));
        figures['cpu-prof'] = breakdown(JSON.parse(readFileSync(new URL(file, dir), 'utf8')), profiled);
      }
      if (SETTINGS.profilers.includes('perf')) {
        const profiled = await runChild(name, 'perf', dir.pathname);
        writeFileSync(new URL('figures-perf.json', dir), JSON.stringify(profiled));
        const { functions: perfFunctions, ...perf } = await perfBreakdown(`${dir.pathname}perf.data`, profiled, 1e6 / SETTINGS.frequency);
        figures.perf = perf;
        writeFileSync(new URL('functions-perf.json', dir), JSON.stringify(perfFunctions));
        // perf script named the JIT's functions from the map Node wrote; it has served.
        rmSync(`/tmp/perf-${profiled.pid}.map`, { force: true });
      }
      (run.clients[name] ??= { rounds: [] }).rounds.push(figures);
      log(`${name} round ${round + 1}: ${figures.unprofiled.cpuPerCall.toFixed(0)} µs a call unprofiled; ${SETTINGS.profilers.map((profiler) => `${figures[profiler].cpuPerCall.toFixed(0)} µs under ${profiler}`).join(', ')}`);
    }
  }
} finally {
  await server.stop();
}
run.loadAverage.end = loadavg();
const markdown = renderBreakdown(run);
writeFileSync(new URL('./profile.json', results), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(new URL('./profile.md', results), markdown);
process.stdout.write(markdown);
