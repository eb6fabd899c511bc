// `npm run bench`: wechatpay-ts beside wechatpay-axios-plugin@0.9.6 and wechatpay-node-v3@2.2.1,
// all against the wechatpay-ts sandbox, in one run, clients alternating round by round.
// Prints a Markdown table; writes results/latest.md, results/latest.svg and results/latest.json.
import { fork } from 'node:child_process';
import { startServerProcess } from './src/server-process.mjs';
import { sign, verify, createPublicKey } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { setupServer } from 'msw/node';
import { Formatter } from 'wechatpay-ts';
import { Sandbox } from 'wechatpay-ts/testing';
import { CLIENTS, makeRequest, PATH, SEARCH } from './src/clients.mjs';
import { memoryAnswer } from './src/memory-adapter.mjs';
import { machine } from './src/machine.mjs';
import { render, renderSvg } from './src/report.mjs';
import { median, rotation, runFor } from './src/stats.mjs';

const env = process.env;
const SETTINGS = {
  rounds: Number(env.BENCH_ROUNDS ?? 5),
  /** Measured time per client per round per concurrency, throughput scenarios. */
  seconds: Number(env.BENCH_SECONDS ?? 1.5),
  /** Measured time per item per round per concurrency, client-cost scenario. */
  costSeconds: Number(env.BENCH_COST_SECONDS ?? 1.2),
  warmupMs: Number(env.BENCH_WARMUP_MS ?? 250),
  concurrencies: [1, 16, 64],
  burst: Number(env.BENCH_BURST ?? 500),
  memoryRequests: Number(env.BENCH_MEMORY_REQUESTS ?? 100_000),
  memoryConcurrency: 16,
};
const started = performance.now();
const log = (...args) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s]`, ...args);

const keys = Sandbox.generateKeys();
const keysPem = {
  merchant: keys.merchant.export({ type: 'pkcs8', format: 'pem' }).toString(),
  platform: keys.platform.export({ type: 'pkcs8', format: 'pem' }).toString(),
};
// Certificate mode: the platform key is a (self-signed) certificate named by its serial, the form
// wechatpay-axios-plugin's `certs` and wechatpay-node-v3's platform certificates take.
const newSandbox = () => new Sandbox({ keys, mode: 'certificate' });
const sandbox = newSandbox();

/** Proves, before anything is timed, that each client gets the answer and which ones reject a tampered one. */
async function preflight(mswServer) {
  const facts = {};
  for (const name of Object.keys(CLIENTS)) {
    const sb = newSandbox();
    mswServer.resetHandlers(...sb.handlers);
    const request = makeRequest(name, sb);
    const data = await request();
    if (data?.authorize_state !== 'AUTHORIZED') throw new Error(`${name}: unexpected answer ${JSON.stringify(data)}`);
    sb.faults.next('tamper-body');
    let rejectsTampered = false;
    try {
      await request();
    } catch {
      rejectsTampered = true;
    }
    if (rejectsTampered !== CLIENTS[name].verifies) throw new Error(`${name}: expected verifies=${CLIENTS[name].verifies}, rejects tampered=${rejectsTampered}`);
    facts[name] = { rejectsTampered };
  }
  return facts;
}

/**
 * Throughput: rounds × concurrencies × clients, rotated each round; fresh sandbox per segment.
 * With `serverCpu`, also the CPU time per request of the client process (event loop and thread
 * pool together) and of the server process, in `cpu[c][name]`.
 */
async function throughput(names, segment, serverCpu) {
  const out = {};
  const cpu = {};
  const ownCpu = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  for (const c of SETTINGS.concurrencies) {
    out[c] = Object.fromEntries(names.map((name) => [name, []]));
    cpu[c] = Object.fromEntries(names.map((name) => [name, { client: [], server: [] }]));
    for (let round = 0; round < SETTINGS.rounds; round += 1) {
      for (const name of rotation(names, round)) {
        const request = await segment(name);
        await runFor(request, c, SETTINGS.warmupMs);
        const [client0, server0] = [ownCpu(), serverCpu ? await serverCpu() : 0];
        const result = await runFor(request, c, SETTINGS.seconds * 1000);
        const [client1, server1] = [ownCpu(), serverCpu ? await serverCpu() : 0];
        out[c][name].push(result.perSecond);
        cpu[c][name].client.push((client1 - client0) / result.count);
        cpu[c][name].server.push((server1 - server0) / result.count);
      }
    }
    log(`  c=${c}:`, names.map((name) => `${name} ${median(out[c][name]).toFixed(0)}/s`).join(', '));
  }
  if (serverCpu) Object.defineProperty(out, 'cpu', { value: cpu });
  return out;
}

/** The client's own cost per request (in-memory answer) beside the node:crypto floor. */
async function clientCost() {
  const answer = memoryAnswer(sandbox);
  const names = Object.keys(CLIENTS);
  const merchantKey = keys.merchant;
  const platformPublic = createPublicKey(keys.platform);
  // The same messages a request signs and an answer verifies: same sizes, same bytes.
  const requestMessage = () => Formatter.request('GET', PATH + SEARCH, Formatter.timestamp(), Formatter.nonce(), '');
  const floorAsync = () => new Promise((resolve, reject) => {
    const { current } = answer;
    sign('sha256', Buffer.from(requestMessage()), merchantKey, (error) => {
      if (error) return reject(error);
      if (!verify('sha256', Formatter.response(current.timestamp, current.nonce, current.bytes), platformPublic, Buffer.from(current.signature, 'base64'))) {
        return reject(new Error('floor: verify failed'));
      }
      resolve();
    });
  });
  const floorSync = async () => {
    const { current } = answer;
    sign('sha256', Buffer.from(requestMessage()), merchantKey);
    if (!verify('sha256', Formatter.response(current.timestamp, current.nonce, current.bytes), platformPublic, Buffer.from(current.signature, 'base64'))) {
      throw new Error('floor: verify failed');
    }
  };
  const fns = {
    ...Object.fromEntries(names.map((name) => [name, makeRequest(name, sandbox, answer.clientOptions(name))])),
    'floor-async': floorAsync,
    'floor-sync': floorSync,
  };
  const out = {};
  for (const c of SETTINGS.concurrencies) {
    // The sequential form of the floor is what it is at any concurrency: measured once, at c=1.
    const items = [...names, 'floor-async', ...(c === 1 ? ['floor-sync'] : [])];
    out[c] = Object.fromEntries(items.map((item) => [item, []]));
    for (let round = 0; round < SETTINGS.rounds; round += 1) {
      answer.resign();
      for (const item of rotation(items, round)) {
        await runFor(fns[item], c, SETTINGS.warmupMs);
        const result = await runFor(fns[item], c, SETTINGS.costSeconds * 1000);
        out[c][item].push(result.usPerCall);
      }
    }
    log(`  c=${c}:`, items.map((item) => `${item} ${median(out[c][item]).toFixed(0)}µs`).join(', '));
  }
  return out;
}

/** Event-loop delay (p99, max) while a burst of concurrent requests goes to the loopback server. */
async function eventLoop(server, names) {
  const out = Object.fromEntries(names.map((name) => [name, { p99: [], max: [], wallMs: [] }]));
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    for (const name of rotation(names, round)) {
      const request = makeRequest(name, sandbox, { baseURL: await server.fresh() });
      for (let i = 0; i < 20; i += 1) await request();
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      // The histogram records nothing on its first tick: let it tick before the burst, so that a
      // stall while the burst is fired (signing 500 requests in one go) is recorded too.
      await sleep(10);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: SETTINGS.burst }, () => request()));
      out[name].wallMs.push(performance.now() - t0);
      await sleep(5);
      histogram.disable();
      out[name].p99.push(histogram.percentile(99) / 1e6);
      out[name].max.push(histogram.max / 1e6);
    }
  }
  log('  ', names.map((name) => `${name} p99 ${median(out[name].p99).toFixed(1)} ms`).join(', '));
  return out;
}

/** Memory after 10,000 … 100,000 requests through one client, each client in its own process. */
function memory(name) {
  const step = SETTINGS.memoryRequests / 10;
  const checkpoints = [step, step * 2.5, step * 5, step * 7.5, step * 10];
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./src/memory.mjs', import.meta.url), [name], {
      execArgv: ['--expose-gc'],
      env: { ...env, BENCH_KEYS: JSON.stringify(keysPem), BENCH_CHECKPOINTS: JSON.stringify(checkpoints), BENCH_MEMORY_CONCURRENCY: String(SETTINGS.memoryConcurrency) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    child.on('message', (message) => (result = message));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`memory ${name}: exit ${code}`))));
  });
}

const results = { settings: SETTINGS, machine: machine(), startedAt: new Date().toISOString() };
log('machine:', results.machine.cpu, `${results.machine.cores} cores`, `node ${results.machine.node}`);

// 1. Loopback: wechatpay-ts and wechatpay-axios-plugin against the real node:http sandbox server.
//    (wechatpay-node-v3 hard-codes https://api.mch.weixin.qq.com: it runs only in the msw scenario.)
const server = await startServerProcess(keysPem);
try {
  log('throughput, loopback server (separate process)');
  results.loopback = await throughput(['wechatpay-ts', 'wechatpay-axios-plugin'], async (name) => makeRequest(name, sandbox, { baseURL: await server.fresh() }), server.cpu);
  results.loopbackCpu = results.loopback.cpu;
  log(`event-loop delay, burst of ${SETTINGS.burst} against the loopback server`);
  results.eventLoop = await eventLoop(server, ['wechatpay-ts', 'wechatpay-axios-plugin']);
} finally {
  await server.stop();
}

// 2. In-process: all three behind the sandbox's msw handlers for https://api.mch.weixin.qq.com/.
//    Nothing unhandled may pass: onUnhandledRequest 'error'.
const mswServer = setupServer();
mswServer.listen({ onUnhandledRequest: 'error' });
try {
  log('preflight (msw): answers arrive; tampered answers rejected by the verifying clients');
  results.preflight = await preflight(mswServer);
  log('throughput, msw in-process (sandbox signs on the same event loop)');
  results.msw = await throughput(Object.keys(CLIENTS), async (name) => {
    const sb = newSandbox();
    mswServer.resetHandlers(...sb.handlers);
    return makeRequest(name, sb);
  });
} finally {
  mswServer.close();
}

// 3. The client's own cost, network out: in-memory axios adapter, signed answers.
log('client cost per request (in-memory answers) and the node:crypto floor');
results.cost = await clientCost();

// 4. Memory, one process per client.
log(`memory over ${SETTINGS.memoryRequests} requests (in-memory answers), one process per client`);
results.memory = {};
for (const name of ['wechatpay-ts', 'wechatpay-axios-plugin']) {
  results.memory[name] = await memory(name);
  const { points } = results.memory[name];
  log(`  ${name}: heap ${(points[0].heapUsed / 2 ** 20).toFixed(1)} → ${(points.at(-1).heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(points[0].rss / 2 ** 20).toFixed(1)} → ${(points.at(-1).rss / 2 ** 20).toFixed(1)} MiB`);
}

results.durationSeconds = (performance.now() - started) / 1000;

const markdown = render(results);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.md', import.meta.url), markdown);
writeFileSync(new URL('./results/latest.svg', import.meta.url), renderSvg(results));
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(markdown);
log(`done in ${results.durationSeconds.toFixed(0)} s; wrote bench/results/latest.{md,svg,json}`);
