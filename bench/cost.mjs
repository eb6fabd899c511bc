// `npm --prefix bench run cost`: the client's CPU per call over loopback, against the Node floor
// measured in the same run (src/floor.mjs: one RSA sign, one bare keep-alive node:http request with
// the same headers, one verify). CPU is process.cpuUsage() of this process, thread pool included;
// the sandbox runs in its own process and is not counted. Rounds alternate the clients; ratios are
// paired within a round. Writes results/cost.json and results/cost.md; `node cost.mjs --render`
// rewrites cost.md from cost.json and the runs' log (after editing COST-NOTE.md), without running.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Sandbox } from 'wechatpay-ts/testing';
import { makeRequest } from './src/clients.mjs';
import { floorRequest } from './src/floor.mjs';
import { machine } from './src/machine.mjs';
import { startServerProcess } from './src/server-process.mjs';
import { mainThreadCpu } from './src/threads.mjs';
import { loggedRuns, recordRun, renderCost, renderRuns } from './src/cost-report.mjs';
import { median, rotation, runFor } from './src/stats.mjs';

const env = process.env;
const SETTINGS = {
  rounds: Number(env.BENCH_ROUNDS ?? 5),
  seconds: Number(env.BENCH_SECONDS ?? 1.5),
  warmupMs: Number(env.BENCH_WARMUP_MS ?? 250),
  concurrencies: (env.BENCH_CONCURRENCIES ?? '1,16,64').split(',').map(Number),
  clients: (env.BENCH_CLIENTS ?? 'wechatpay-ts,wechatpay-axios-plugin,node-floor').split(','),
  /** The results' file name in results/, without extension. */
  out: env.BENCH_OUT ?? 'cost',
};
const log = (...args) => console.error('[cost]', ...args);
const file = (extension) => new URL(`./results/${SETTINGS.out}.${extension}`, import.meta.url);

if (process.argv[2] === '--render') {
  const saved = JSON.parse(readFileSync(file('json'), 'utf8'));
  writeFileSync(file('md'), `${renderCost(saved, saved.settings)}${SETTINGS.out === 'cost' ? renderRuns(loggedRuns(), saved) : ''}`);
  log(`re-rendered results/${SETTINGS.out}.md from ${SETTINGS.out}.json`);
  process.exit(0);
}
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const keys = Sandbox.generateKeys();
const keysPem = Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, key.export({ type: 'pkcs8', format: 'pem' }).toString()]));
const sandbox = new Sandbox({ keys, mode: 'certificate' });
const server = await startServerProcess(keysPem);
const results = { settings: SETTINGS, machine: machine(), startedAt: new Date().toISOString(), loadAverage: { start: loadavg() }, cpu: {}, mainThread: {}, perSecond: {} };
try {
  for (const c of SETTINGS.concurrencies) {
    const cpu = Object.fromEntries(SETTINGS.clients.map((name) => [name, []]));
    const main = Object.fromEntries(SETTINGS.clients.map((name) => [name, []]));
    const perSecond = Object.fromEntries(SETTINGS.clients.map((name) => [name, []]));
    for (let round = 0; round < SETTINGS.rounds; round += 1) {
      for (const name of rotation(SETTINGS.clients, round)) {
        const baseURL = await server.fresh();
        const call = name === 'node-floor' ? floorRequest(sandbox, baseURL) : makeRequest(name, sandbox, { baseURL });
        await runFor(call, c, SETTINGS.warmupMs);
        const before = cpuNow();
        const mainBefore = mainThreadCpu();
        const result = await runFor(call, c, SETTINGS.seconds * 1000);
        cpu[name].push((cpuNow() - before) / result.count);
        if (mainBefore !== undefined) main[name].push((mainThreadCpu() - mainBefore) / result.count);
        perSecond[name].push(result.perSecond);
      }
    }
    results.cpu[c] = cpu;
    results.mainThread[c] = main;
    results.perSecond[c] = perSecond;
    log(`c=${c}:`, SETTINGS.clients.map((name) => `${name} ${median(cpu[name]).toFixed(0)} µs`).join(', '));
  }
} finally {
  await server.stop();
}
results.loadAverage.end = loadavg();

const markdown = renderCost(results, SETTINGS);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(file('json'), `${JSON.stringify(results, null, 2)}\n`);
// The published results keep a log of runs, so that cost.md shows the spread of the last five.
const runs = SETTINGS.out === 'cost' ? recordRun(results, SETTINGS) : [];
writeFileSync(file('md'), `${markdown}${SETTINGS.out === 'cost' ? renderRuns(runs, results) : ''}`);
process.stdout.write(markdown);
