// The same per-module split as profile-groups.mjs, from Linux `perf` instead of V8's profiler:
// `perf record -e cpu-clock -g` samples each thread only while it is on a CPU, in the kernel too,
// so a thread that was preempted (a 2-core machine shared with other work) leaves no sample where
// it stopped. V8's profiler signals the main thread on a wall-clock interval: a preempted thread
// takes the pending signal where it resumes, which piles samples onto whatever ran just before a
// preemption (waking a pool thread in `crypto.sign`, typically). Node runs with
// `--perf-basic-prof`, so JIT-compiled functions are named with their script URL.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { JSON_GROUP, groupOf } from './profile-groups.mjs';

/** Whether `perf` can sample here (installed, and allowed to attach). */
export async function perfAvailable() {
  return new Promise((resolve) => {
    const probe = spawn('perf', ['record', '-e', 'cpu-clock', '-o', '/dev/null', '--', 'true'], { stdio: 'ignore' });
    probe.on('error', () => resolve(false));
    probe.on('exit', (code) => resolve(code === 0));
  });
}

/** Starts `perf record` on process `pid` into `file`; resolves with a function that stops it. */
export async function startPerf(pid, file, frequency) {
  const perf = spawn('perf', ['record', '-e', 'cpu-clock', '-F', String(frequency), '-g', '-k', 'CLOCK_MONOTONIC', '-p', String(pid), '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  perf.stderr.on('data', (chunk) => (errors += chunk));
  const exited = new Promise((resolve) => perf.on('exit', resolve));
  // perf prints nothing once attached; give it a moment before the window opens.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return async () => {
    perf.kill('SIGINT');
    const code = await exited;
    if (code !== 0 && code !== null) throw new Error(`perf record failed (${code}): ${errors.trim()}`);
  };
}

const GC = /v8::internal::(Heap::(CollectGarbage|PerformGarbageCollection|CollectAllGarbage)|ScavengerCollector|Scavenger::|MarkCompactCollector|MinorMarkCompactCollector|MinorMarkSweepCollector|IncrementalMarking::|ConcurrentMarking::|Sweeper::|MemoryReducer|ArrayBufferSweeper|MarkingBarrier|Heap::StartIncrementalMarking|Heap::FinalizeIncrementalMarking)|v8::internal::.*ScavengeTask|v8::internal::.*Evacuat/;
const COMPILER = /v8::internal::(compiler::|maglev::|Compiler::|OptimizingCompileDispatcher|Runtime_Compile|BackgroundCompileTask|baseline::)|v8::internal::.*CompileJob/;
const CRYPTO = /^(node::crypto::|EVP_|RSA_|BN_|ossl_|rsa_|bn_|SHA256|sha256_|CRYPTO_|OPENSSL_|ERR_|EC_|ec_|evp_|pkey_|OSSL_|BIO_)/;
const HTTP_NATIVE = /^(llhttp_|node::http_parser|node::\(anonymous namespace\)::Parser|node::.*Parser::)/;
const JSON_NATIVE = /^(Builtins_Json|v8::internal::JsonParser|v8::internal::JsonStringifier|v8::internal::Builtin_Json)/;
const JS_FRAME = /^JS:[*^~+]?(.*) (\S+):\d+:\d+$/;

const OFF_MAIN_PERF = {
  'libuv-pool': (stack) => (stack.some((frame) => CRYPTO.test(frame.sym)) ? 'crypto: RSA signing on libuv\'s pool' : 'libuv\'s pool, other work'),
  'v8-platform': (stack) => (stack.some((frame) => GC.test(frame.sym)) ? 'V8 platform threads: GC' : stack.some((frame) => COMPILER.test(frame.sym)) ? 'V8 platform threads: optimising compiler' : 'V8 platform threads: other'),
};

/** The group of one main-thread sample and the frame that decided it: its stack, leaf first, read up to the first frame that says. */
function mainGroup(stack) {
  const gc = stack.find((frame) => GC.test(frame.sym));
  if (gc) return ['GC on the main thread (V8 scavenges, mark-compact pauses)', gc.sym];
  const compiler = stack.find((frame) => COMPILER.test(frame.sym));
  if (compiler) return ['V8 compiler on the main thread', compiler.sym];
  for (const { sym, dso } of stack) {
    const js = JS_FRAME.exec(sym);
    if (js) {
      const group = groupOf(js[2], js[1]);
      if (group === undefined) continue;
      return [js[1] === 'bodyAs' && group.startsWith('lib/') ? JSON_GROUP : group, sym.replace(/^JS:[*^~+]?/, '').replace(/file:\/\/\S*?\/(node_modules|dist|bench)\//, '$1/')];
    }
    if (dso.includes('perf-') || dso === '[kernel.kallsyms]' || dso.includes('[vdso]')) continue;
    if (JSON_NATIVE.test(sym)) return [JSON_GROUP, sym];
    if (CRYPTO.test(sym)) return ['crypto (node:crypto, main thread)', sym];
    if (HTTP_NATIVE.test(sym)) return ['node:http (http, net, streams, events)', sym];
  }
  return ['event loop: libuv polling, the kernel and V8 outside any JS frame', stack[0]?.sym ?? '?'];
}

/**
 * CPU per call by group from `perf script` of `file`, over the window and threads of `figures`
 * (what the client process reported). Each thread kind's samples are scaled to its CPU as /proc
 * measured it; `coverage` is perf's own total against that measure.
 */
export async function perfBreakdown(file, figures, period) {
  const kinds = new Map(figures.threads.map((thread) => [thread.id, thread.kind]));
  const script = spawn('perf', ['script', '-i', file, '-F', 'tid,time,ip,sym,dso'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const counts = { main: new Map(), 'libuv-pool': new Map(), 'v8-platform': new Map() };
  const byFunction = new Map();
  const totals = { main: 0, 'libuv-pool': 0, 'v8-platform': 0 };
  const { from, to } = figures.window;
  let header;
  let stack = [];
  const flush = () => {
    if (!header) return;
    const [tid, seconds] = header;
    const at = seconds * 1e6;
    const kind = kinds.get(tid);
    if (at >= from && at <= to && kind in counts) {
      let group;
      if (kind === 'main') {
        const [decided, frame] = mainGroup(stack);
        group = decided;
        const key = `${group}\t${frame}`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + 1);
      } else group = OFF_MAIN_PERF[kind](stack);
      counts[kind].set(group, (counts[kind].get(group) ?? 0) + 1);
      totals[kind] += 1;
    }
    header = undefined;
    stack = [];
  };
  for await (const line of createInterface({ input: script.stdout })) {
    const head = /^\s*(\d+)\s+(\d+\.\d+):/.exec(line);
    if (head) {
      flush();
      header = [head[1], Number(head[2])];
      continue;
    }
    const frame = /^\s+[0-9a-f]+ (.*) \((.*)\)$/.exec(line);
    if (frame) stack.push({ sym: frame[1].replace(/\+0x[0-9a-f]+$/, ''), dso: frame[2] });
    else if (line.trim() === '') flush();
  }
  flush();
  const threadCpu = (kind) => figures.threads.filter((thread) => thread.kind === kind).reduce((sum, thread) => sum + thread.cpu, 0);
  const split = { main: {}, 'libuv-pool': {}, 'v8-platform': {} };
  const coverage = {};
  for (const kind of Object.keys(counts)) {
    const cpu = threadCpu(kind);
    coverage[kind] = cpu ? (totals[kind] * period) / cpu : undefined;
    for (const [group, count] of counts[kind]) split[kind][group] = (cpu * count) / totals[kind] / figures.count;
    // A thread kind with CPU but no sample in the window still counts, unsplit.
    if (cpu && !totals[kind]) split[kind][kind === 'main' ? 'main thread, no sample' : `${kind}, no sample`] = cpu / figures.count;
  }
  return {
    calls: figures.count,
    perSecond: figures.perSecond,
    cpuPerCall: figures.cpu / figures.count,
    mainPerCall: threadCpu('main') / figures.count,
    profilerPerCall: 0,
    coverage,
    groups: split.main,
    offMain: { ...split['libuv-pool'], ...split['v8-platform'] },
    /** The main thread's functions (the frame that decided each sample's group), µs a call, largest first. */
    functions: [...byFunction].map(([key, count]) => [...key.split('\t'), (threadCpu('main') * count) / totals.main / figures.count]).sort((a, b) => b[2] - a[2]),
  };
}
