// Turns a `--cpu-prof` profile and the thread CPU figures of the same window (src/profile-client.cjs)
// into CPU per call, by module. The main thread's samples are counted by the module of the
// function they fell in (a native leaf, such as `writeLatin1String`, counts for the JS function that
// called it, so that a binding's time stays with its module); the counts are scaled to the main
// thread's measured CPU. Samples are counted, not weighted by their time deltas: a delta also holds
// the time the thread was runnable but not running (a 2-core machine shared with other work), which
// would overweight whatever ran just before a preemption, such as waking a pool thread.

/** The group a profile frame belongs to, by its script URL and function (`undefined`: a native leaf). */
export function groupOf(url, functionName) {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC on the main thread (V8 scavenges, mark-compact pauses)';
    if (functionName === '(program)' || functionName === '(root)') return 'V8 and native code outside any JS frame';
    return undefined;
  }
  const own = /\/dist\/(?:esm|cjs)\/(.+)\.js$/.exec(url) ?? /\/lib\/(.+)\.ts$/.exec(url);
  if (own && !url.includes('/node_modules/')) return `lib/${own[1]}.ts`;
  const dependency = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency && !url.includes('/bench/node_modules/wechatpay-ts/')) return dependency[1] === 'axios' ? 'axios' : `${dependency[1]} (dependency)`;
  if (url.includes('/bench/')) return 'the bench harness (runFor, the call site)';
  if (/^node:(?:_http_|https?$|net$|internal\/(?:net|http|streams\/|stream_base_commons|js_stream)|stream$|_stream|events$|internal\/event_target)/.test(url)) return 'node:http (http, net, streams, events)';
  if (/^node:(?:internal\/)?crypto/.test(url)) return 'crypto (node:crypto, main thread)';
  if (/^node:internal\/process\/(?:task_queues|promises)/.test(url)) return 'promises and microtasks (node:internal/process)';
  if (/^node:(?:internal\/)?timers/.test(url)) return 'timers (node:timers)';
  if (/^node:(?:internal\/)?url/.test(url)) return 'node:url (URL parsing)';
  if (/^node:(?:internal\/)?buffer/.test(url)) return 'node:buffer';
  return `node, other (${url.replace(/^node:(internal\/)?/, '')})`;
}

/** The JSON group: the verified body's UTF-8 decoding and `JSON.parse` run inside `bodyAs` (a builtin has no frame of its own). */
const JSON_FRAMES = new Set(['bodyAs']);
export const JSON_GROUP = 'JSON (JSON.parse of the verified body, in bodyAs)';

const OFF_MAIN = {
  'libuv-pool': 'crypto: RSA signing on libuv\'s pool',
  'v8-platform': 'V8 platform threads (parallel GC, concurrent marking and compiling)',
};

/** Calls `visit(group, node)` for every busy main-thread sample of the measured window. */
function walk(profile, figures, visit) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const groupOfNode = new Map();
  const resolve = (id) => {
    if (groupOfNode.has(id)) return groupOfNode.get(id);
    const { url, functionName } = nodes.get(id).callFrame;
    let group = JSON_FRAMES.has(functionName) && groupOf(url, functionName)?.startsWith('lib/') ? JSON_GROUP : groupOf(url, functionName);
    if (group === undefined) group = parents.has(id) ? resolve(parents.get(id)) : 'V8 and native code outside any JS frame';
    groupOfNode.set(id, group);
    return group;
  };
  const { from, to } = figures.window;
  let busy = 0;
  let idle = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    at += profile.timeDeltas[i];
    if (at < from || at > to) continue;
    const node = nodes.get(profile.samples[i]);
    if (node.callFrame.functionName === '(idle)') {
      idle += 1;
      continue;
    }
    busy += 1;
    visit(resolve(node.id), node);
  }
  return { busy, idle };
}

/** The main thread's CPU per call that one sample stands for. */
const sampleCost = (figures, busy) => figures.threads.filter((thread) => thread.kind === 'main').reduce((sum, thread) => sum + thread.cpu, 0) / busy / figures.count;

/**
 * CPU per call by group for one profiled run: `profile` is the parsed .cpuprofile, `figures` what
 * the client process reported (calls, CPU, per-thread CPU, the measured window).
 */
export function breakdown(profile, figures) {
  const counts = new Map();
  const { busy, idle } = walk(profile, figures, (group) => counts.set(group, (counts.get(group) ?? 0) + 1));
  const perCall = (us) => us / figures.count;
  const threadCpu = (kind) => figures.threads.filter((thread) => thread.kind === kind).reduce((sum, thread) => sum + thread.cpu, 0);
  const main = threadCpu('main');
  const groups = {};
  for (const [group, count] of counts) groups[group] = perCall((main * count) / busy);
  const offMain = {};
  for (const [kind, group] of Object.entries(OFF_MAIN)) offMain[group] = perCall(threadCpu(kind));
  return {
    calls: figures.count,
    perSecond: figures.perSecond,
    /** process.cpuUsage() over the window, µs a call (the profiler's thread included). */
    cpuPerCall: perCall(figures.cpu),
    mainPerCall: perCall(main),
    profilerPerCall: perCall(threadCpu('profiler')),
    samples: { busy, idle },
    /** The main thread's CPU per call by module. */
    groups,
    /** The other threads' CPU per call. */
    offMain,
  };
}

/** The functions behind each group, µs a call, largest first: a closer look at one profiled run. */
export function functions(profile, figures) {
  const counts = new Map();
  const { busy } = walk(profile, figures, (group, node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${group}\t${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/')}:${lineNumber + 1}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  const each = sampleCost(figures, busy);
  return [...counts].map(([key, count]) => [...key.split('\t'), count * each]).sort((a, b) => b[2] - a[2]);
}

const SMALL = 10; // µs a call: main-thread items below this in every column are summed into one line

const PROFILERS = {
  perf: 'Linux `perf record -e cpu-clock -g` (on-CPU samples of every thread, kernel included)',
  'cpu-prof': '`node --cpu-prof` (V8\'s sampling profiler, main thread only)',
};

/** The Markdown report of a profile.mjs run: one table per profiler, a column per client. */
export function renderBreakdown(run) {
  const names = Object.keys(run.clients);
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const cell = (us) => us.toFixed(0);
  const lines = [
    `# Where a call's CPU goes, by module (c=${run.settings.concurrency})`,
    '',
    `${run.machine.cpu}, ${run.machine.cores} cores, Node ${run.machine.node}, commit ${run.machine.commit}${run.machine.libChanged === 'no' ? '' : ` (${run.machine.libChanged})`}; ${run.settings.rounds} round(s) per client and profiler, each ${run.settings.seconds} s after ${run.settings.warmupMs / 1000} s of warm-up, each in a fresh process. Load average at the start ${run.loadAverage.start.map((x) => x.toFixed(2)).join(', ')}, at the end ${run.loadAverage.end.map((x) => x.toFixed(2)).join(', ')}.`,
    '',
    'µs of CPU per call, the mean of the rounds. Main-thread rows: the profile\'s self-time samples per module (a native frame counts for the JS function that called it), scaled to the main thread\'s CPU measured from /proc over the same window. The other rows: the threads\' own CPU from /proc (split by perf\'s samples in the perf table).',
  ];
  for (const profiler of run.settings.profilers) {
    const rounds = (name) => run.clients[name].rounds.map((round) => round[profiler]);
    const figure = (name, pick) => mean(rounds(name).map(pick));
    const value = (name, part, group) => figure(name, (round) => round[part][group] ?? 0);
    const all = (part) => [...new Set(names.flatMap((name) => rounds(name).flatMap((round) => Object.keys(round[part]))))];
    const main = all('groups').sort((a, b) => value(names[0], 'groups', b) - value(names[0], 'groups', a));
    lines.push('', `## ${PROFILERS[profiler]}`, '', `| item | ${names.join(' | ')} |`, `|---|${names.map(() => '---:').join('|')}|`);
    const row = (label, pick) => lines.push(`| ${label} | ${names.map((name) => cell(pick(name))).join(' | ')} |`);
    const small = [];
    for (const group of main) {
      if (names.some((name) => value(name, 'groups', group) >= SMALL)) row(group, (name) => value(name, 'groups', group));
      else small.push(group);
    }
    if (small.length) row(`${small.length} more main-thread items, each under ${SMALL} µs`, (name) => small.reduce((sum, group) => sum + value(name, 'groups', group), 0));
    row('**main thread, measured**', (name) => figure(name, (round) => round.mainPerCall));
    for (const group of all('offMain').sort()) row(group, (name) => value(name, 'offMain', group));
    row('**total of the rows**', (name) => figure(name, (round) => round.mainPerCall + Object.values(round.offMain).reduce((sum, us) => sum + us, 0)));
    row('**process.cpuUsage()**' + (profiler === 'cpu-prof' ? ' less the profiler\'s thread' : ''), (name) => figure(name, (round) => round.cpuPerCall - round.profilerPerCall));
    if (profiler === 'cpu-prof') row('the profiler\'s own thread (not a cost of the client)', (name) => figure(name, (round) => round.profilerPerCall));
    row('the same client unprofiled, process.cpuUsage()', (name) => mean(run.clients[name].rounds.map((round) => round.unprofiled.cpuPerCall)));
    lines.push(`| calls/s while profiled | ${names.map((name) => figure(name, (round) => round.perSecond).toFixed(0)).join(' | ')} |`);
    if (profiler === 'perf') lines.push(`| perf's samples ÷ /proc's CPU, main thread | ${names.map((name) => figure(name, (round) => round.coverage.main ?? 0).toFixed(2)).join(' | ')} |`);
    if (small.length) lines.push('', `Under ${SMALL} µs in every column: ${small.map((group) => `${group} (${names.map((name) => value(name, 'groups', group).toFixed(1)).join(' / ')})`).join(', ')}.`);
  }
  return `${lines.join('\n')}\n`;
}
