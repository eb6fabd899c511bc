// Memory after N requests through one client, answered in memory (no network, no server):
// run as its own process with --expose-gc, so that nothing else lives on its heap.
import { Sandbox } from 'wechatpay-ts/testing';
import { makeRequest } from './clients.mjs';
import { memoryAnswer } from './memory-adapter.mjs';
import { runCount } from './stats.mjs';

const [name, keysJson] = [process.argv[2], process.env.BENCH_KEYS];
const checkpoints = JSON.parse(process.env.BENCH_CHECKPOINTS ?? '[10000,25000,50000,75000,100000]');
const concurrency = Number(process.env.BENCH_MEMORY_CONCURRENCY ?? 16);
if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');

const sandbox = new Sandbox({ keys: JSON.parse(keysJson), mode: 'certificate' });
const answer = memoryAnswer(sandbox);
const request = makeRequest(name, sandbox, answer.clientOptions(name));

const settle = () => {
  global.gc();
  global.gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
};

const points = [];
let done = 0;
const start = performance.now();
for (const target of checkpoints) {
  answer.resign(); // keeps Wechatpay-Timestamp within the 300 s window, however slow the client
  await runCount(request, concurrency, target - done);
  done = target;
  points.push({ requests: done, seconds: (performance.now() - start) / 1000, ...settle() });
}
process.send({ name, concurrency, points });
