// The Markdown of cost.mjs: the run's table, the last runs of the same code side by side (the
// spread of their medians), the per-module split of profile.mjs, and the hand-written note.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { median, ratios, summary } from './stats.mjs';

const FLOOR = 'node-floor';
const BASE = 'wechatpay-ts@baseline';
const RUNS = new URL('../results/cost-runs.json', import.meta.url);
const PROFILE = new URL('../results/profile.md', import.meta.url);
const NOTE = new URL('../COST-NOTE.md', import.meta.url);
/** How many runs of the same code cost.md sets side by side. */
const SHOWN = 5;

const range = ({ median: m, min, max }, digits = 2) => `${m.toFixed(digits)}× (${min.toFixed(digits)}–${max.toFixed(digits)})`;
const load = (triple) => triple.map((x) => x.toFixed(2)).join(', ');

/** The table of one run (every client and concurrency) and, with a baseline, the paired before/after. */
export function renderCost(results, settings) {
  const lines = [
    `# Client CPU per call over loopback, against the Node floor`,
    '',
    `${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, commit ${results.machine.commit}${results.machine.libChanged === 'no' ? '' : ` (${results.machine.libChanged})`}; ${settings.rounds} rounds × ${settings.seconds} s per client and concurrency, started ${results.startedAt}. CPU is \`process.cpuUsage()\` of the client process (event loop and thread pool); the sandbox runs in another process.`,
    '',
    `Load average (1, 5, 15 min) at the start ${load(results.loadAverage.start)}, at the end ${load(results.loadAverage.end)}. The main-thread column (Linux \`/proc\`) is the event loop's share; the rest is off it: RSA signing on libuv's pool, V8's GC and compiler threads.`,
    '',
    '| c | client | CPU per call, µs (median, min–max) | of which main thread, µs (median) | × floor (paired, median, min–max) | calls/s |',
    '|---|---|---|---|---|---|',
  ];
  for (const c of settings.concurrencies) {
    for (const name of settings.clients) {
      const cpu = summary(results.cpu[c][name]);
      const ratio = settings.clients.includes(FLOOR) && name !== FLOOR ? ratios(results.cpu[c][name], results.cpu[c][FLOOR]) : undefined;
      const main = results.mainThread[c][name].length ? median(results.mainThread[c][name]).toFixed(0) : '—';
      lines.push(`| ${c} | ${name} | ${cpu.median.toFixed(0)} (${cpu.min.toFixed(0)}–${cpu.max.toFixed(0)}) | ${main} | ${ratio ? range(ratio) : '—'} | ${median(results.perSecond[c][name]).toFixed(0)} |`);
    }
  }
  if (settings.clients.includes(BASE)) {
    lines.push('', '| c | wechatpay-ts ÷ wechatpay-ts@baseline (paired, median, min–max) | difference, µs (paired, median) | main thread: difference, µs (paired, median) |', '|---|---|---|---|');
    for (const c of settings.concurrencies) {
      const now = results.cpu[c]['wechatpay-ts'];
      const before = results.cpu[c][BASE];
      const mainNow = results.mainThread[c]['wechatpay-ts'];
      const main = mainNow.length ? median(mainNow.map((x, i) => x - results.mainThread[c][BASE][i])).toFixed(0) : '—';
      lines.push(`| ${c} | ${range(ratios(now, before), 3)} | ${median(now.map((x, i) => x - before[i])).toFixed(0)} | ${main} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Every run recorded in results/cost-runs.json, oldest first. */
export function loggedRuns() {
  return existsSync(RUNS) ? JSON.parse(readFileSync(RUNS, 'utf8')) : [];
}

/** Adds this run's ratios to results/cost-runs.json; answers every run recorded. */
export function recordRun(results, settings) {
  const runs = loggedRuns();
  const ratiosOf = (name) => Object.fromEntries(settings.concurrencies.map((c) => [c, summary(results.cpu[c][name].map((x, i) => x / results.cpu[c][FLOOR][i]))]));
  const clients = settings.clients.includes(FLOOR) ? settings.clients.filter((name) => name !== FLOOR) : [];
  runs.push({
    startedAt: results.startedAt,
    commit: results.machine.commit,
    libChanged: results.machine.libChanged,
    rounds: settings.rounds,
    loadAverage: results.loadAverage,
    ratios: Object.fromEntries(clients.map((name) => [name, ratiosOf(name)])),
    floorUs: Object.fromEntries(settings.concurrencies.map((c) => [c, median(results.cpu[c][FLOOR] ?? [0])])),
  });
  writeFileSync(RUNS, `${JSON.stringify(runs, null, 2)}\n`);
  return runs;
}

/** The last runs of this run's code side by side, the profile's split and the note. */
export function renderRuns(runs, results) {
  const same = runs.filter((run) => run.commit === results.machine.commit && run.libChanged === results.machine.libChanged).slice(-SHOWN);
  const lines = [];
  const concurrencies = [...new Set(same.flatMap((run) => Object.keys(run.ratios['wechatpay-ts'] ?? {})))];
  if (same.length && concurrencies.length) {
    lines.push('', `## The last ${same.length} run(s) of this code (commit ${results.machine.commit})`, '');
    lines.push('wechatpay-ts ÷ the floor, paired within each round: the median of the run\'s rounds and their min–max. The spread line is the lowest and highest median of these runs.', '');
    const clients = Object.keys(same.at(-1).ratios);
    lines.push(`| run started | load (1 min) start → end | ${clients.flatMap((name) => concurrencies.map((c) => `${name} c=${c}`)).join(' | ')} | floor µs c=${concurrencies.join('/')} |`);
    lines.push(`|---|---|${clients.flatMap(() => concurrencies.map(() => '---')).join('|')}|---|`);
    for (const run of same) {
      const cells = clients.flatMap((name) => concurrencies.map((c) => (run.ratios[name]?.[c] ? range(run.ratios[name][c]) : '—')));
      lines.push(`| ${run.startedAt.slice(0, 16).replace('T', ' ')} | ${run.loadAverage.start[0].toFixed(2)} → ${run.loadAverage.end[0].toFixed(2)} | ${cells.join(' | ')} | ${concurrencies.map((c) => run.floorUs[c]?.toFixed(0) ?? '—').join(' / ')} |`);
    }
    const spread = clients.flatMap((name) => concurrencies.map((c) => {
      const medians = same.map((run) => run.ratios[name]?.[c]?.median).filter((x) => x !== undefined);
      return `${Math.min(...medians).toFixed(2)}–${Math.max(...medians).toFixed(2)}×`;
    }));
    lines.push(`| **spread of the medians** | | ${spread.join(' | ')} | |`);
  }
  if (existsSync(PROFILE)) lines.push('', readFileSync(PROFILE, 'utf8').trim().replace(/^#/gm, '##'));
  if (existsSync(NOTE)) lines.push('', '## Closing note', '', readFileSync(NOTE, 'utf8').trim());
  return `${lines.join('\n')}\n`;
}
