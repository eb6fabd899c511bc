// `npm --prefix bench run cost`: the client's CPU per call over loopback, against the Node floor
// measured in the same run (src/floor.mjs: one RSA sign, one bare keep-alive node:http request with
// the same headers, one verify). CPU is process.cpuUsage() of this process, thread pool included;
// the sandbox runs in its own process and is not counted. Rounds alternate the clients; ratios are
// paired within a round. Writes results/cost.json and results/cost.md.
import { writeFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Sandbox } from 'wechatpay-ts/testing';
import { makeRequest } from './src/clients.mjs';
import { floorRequest } from './src/floor.mjs';
import { machine } from './src/machine.mjs';
import { startServerProcess } from './src/server-process.mjs';
import { mainThreadCpu } from './src/threads.mjs';
import { median, ratios, rotation, runFor, summary } from './src/stats.mjs';

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

const floor = 'node-floor';
const base = 'wechatpay-ts@baseline';
const lines = [
  `# Client CPU per call over loopback, against the Node floor`,
  '',
  `${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}; ${SETTINGS.rounds} rounds × ${SETTINGS.seconds} s per client and concurrency. CPU is \`process.cpuUsage()\` of the client process (event loop and thread pool); the sandbox runs in another process.`,
  '',
  `Load average (1, 5, 15 min) at the start ${results.loadAverage.start.map((x) => x.toFixed(2)).join(', ')}, at the end ${results.loadAverage.end.map((x) => x.toFixed(2)).join(', ')}. The main-thread column (Linux \`/proc\`) is the event loop's share; the rest is off it: RSA signing on libuv's pool, V8's GC and compiler threads.`,
  '',
  '| c | client | CPU per call, µs (median, min–max) | of which main thread, µs (median) | × floor (paired, median, min–max) | calls/s |',
  '|---|---|---|---|---|---|',
];
for (const c of SETTINGS.concurrencies) {
  for (const name of SETTINGS.clients) {
    const cpu = summary(results.cpu[c][name]);
    const ratio = SETTINGS.clients.includes(floor) && name !== floor ? ratios(results.cpu[c][name], results.cpu[c][floor]) : undefined;
    const main = results.mainThread[c][name].length ? median(results.mainThread[c][name]).toFixed(0) : '—';
    lines.push(`| ${c} | ${name} | ${cpu.median.toFixed(0)} (${cpu.min.toFixed(0)}–${cpu.max.toFixed(0)}) | ${main} | ${ratio ? `${ratio.median.toFixed(2)}× (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})` : '—'} | ${median(results.perSecond[c][name]).toFixed(0)} |`);
  }
}
if (SETTINGS.clients.includes(base)) {
  lines.push('', '| c | wechatpay-ts ÷ wechatpay-ts@baseline (paired, median, min–max) | difference, µs (paired, median) | main thread: difference, µs (paired, median) |', '|---|---|---|---|');
  for (const c of SETTINGS.concurrencies) {
    const ratio = ratios(results.cpu[c]['wechatpay-ts'], results.cpu[c][base]);
    const difference = median(results.cpu[c]['wechatpay-ts'].map((x, i) => x - results.cpu[c][base][i]));
    const main = results.mainThread[c]['wechatpay-ts'].length ? median(results.mainThread[c]['wechatpay-ts'].map((x, i) => x - results.mainThread[c][base][i])).toFixed(0) : '—';
    lines.push(`| ${c} | ${ratio.median.toFixed(3)}× (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}) | ${difference.toFixed(0)} | ${main} |`);
  }
}
const markdown = `${lines.join('\n')}\n`;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`./results/${SETTINGS.out}.json`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL(`./results/${SETTINGS.out}.md`, import.meta.url), markdown);
process.stdout.write(markdown);
