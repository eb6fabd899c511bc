// Turns the raw results into the Markdown table (stdout and results/latest.md) and an SVG chart.
import { existsSync, readFileSync } from 'node:fs';
import { CLIENTS } from './clients.mjs';
import { median, ratios, summary } from './stats.mjs';

const TARGET = { cost: 1.15, loopP99Ms: 10, memoryGrowth: 1.1 };
const x = (s) => `**${s.median.toFixed(2)}×** (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const num = (s, digits = 0) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)}`;
const pct = (r) => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)} %`;

/** Every target, measured: `{ name, measured, met, by }`. */
export function targets(results) {
  const rows = [];
  // Throughput against wechatpay-axios-plugin is reported, no longer a target (issue 14): on two
  // cores the server and the RSA floor bound every client.
  for (const c of Object.keys(results.cost)) {
    const r = ratios(results.cost[c]['wechatpay-ts'], results.cost[c]['floor-async']);
    const met = r.median <= TARGET.cost;
    rows.push({
      name: `client cost c=${c}: ≤ 1.15× the node:crypto floor (async sign + verify, same concurrency)`,
      measured: x(r),
      met,
      by: met ? '' : `over by ${(r.median - TARGET.cost).toFixed(2)}× (${((r.median / TARGET.cost - 1) * 100).toFixed(0)} % over)`,
    });
  }
  {
    const s = summary(results.eventLoop['wechatpay-ts'].p99);
    const met = s.median < TARGET.loopP99Ms;
    rows.push({ name: `event-loop p99 during a burst of ${results.settings.burst}: < 10 ms`, measured: `**${s.median.toFixed(1)} ms** (${s.min.toFixed(1)}–${s.max.toFixed(1)})`, met, by: met ? '' : `over by ${(s.median - TARGET.loopP99Ms).toFixed(1)} ms` });
  }
  {
    const { points } = results.memory['wechatpay-ts'];
    const [first, last] = [points[0], points.at(-1)];
    for (const field of ['heapUsed', 'rss']) {
      const r = last[field] / first[field];
      const met = r <= TARGET.memoryGrowth;
      rows.push({
        name: `${field} after ${last.requests.toLocaleString('en')} within 10 % of after ${first.requests.toLocaleString('en')}`,
        measured: `**${pct(r)}** (${mib(first[field])} → ${mib(last[field])} MiB)`,
        met,
        by: met ? '' : `over by ${((r - TARGET.memoryGrowth) * 100).toFixed(1)} points`,
      });
    }
  }
  return rows;
}

const label = (name) => (CLIENTS[name]?.verifies === false ? `${CLIENTS[name].label} ⚠ no verification` : CLIENTS[name]?.label ?? name);

export function render(results) {
  const { machine: m, settings: s } = results;
  const out = [];
  const line = (text = '') => out.push(text);
  line('# wechatpay-ts benchmarks: latest results');
  line();
  line(`Run ${results.startedAt} in ${results.durationSeconds.toFixed(0)} s by \`npm run bench\` (bench/run.mjs). Ratios first: the median of ${s.rounds} rounds, the spread (min–max) in brackets; absolute figures beside them. Clients alternate within every round (the order rotates), so machine drift hits them alike.`);
  line();
  line('| machine | |');
  line('|---|---|');
  line(`| CPU | ${m.cpu}, ${m.cores} cores (available parallelism ${m.availableParallelism}) |`);
  line(`| memory | ${m.memoryGiB} GiB |`);
  line(`| OS | ${m.platform} |`);
  line(`| Node.js | ${m.node} (V8 ${m.v8}, OpenSSL ${m.openssl}), UV_THREADPOOL_SIZE ${m.uvThreadpoolSize} |`);
  line(`| wechatpay-ts | built dist/ of commit ${m.commit ?? 'unknown'}; uncommitted lib/ changes: ${m.libChanged} |`);
  line(`| peers | wechatpay-axios-plugin 0.9.6, wechatpay-node-v3 2.2.1 |`);
  line(`| request | \`GET /v3/businesscircle/user-authorizations/{openid}?appid=…\`, RSA-2048 keys, sandbox in certificate mode |`);
  line();

  line('## Targets');
  line();
  line('| target | measured | status |');
  line('|---|---|---|');
  for (const t of targets(results)) line(`| ${t.name} | ${t.measured} | ${t.met ? '✅ met' : `❌ missed: ${t.by}`} |`);
  line();

  line('## 1. Throughput against the real loopback server');
  line();
  line(`Signed GET requests, every answer verified; the sandbox's node:http server runs on 127.0.0.1 in a separate process (it checks every request's signature and signs every answer, sharing the same ${m.cores} cores). ${s.seconds} s per client per round after a ${s.warmupMs} ms warm-up, a fresh sandbox server for each. wechatpay-node-v3 cannot take part: its URLs are hard-coded to https://api.mch.weixin.qq.com.`);
  line();
  line('| concurrency | wechatpay-ts ÷ axios-plugin | wechatpay-ts req/s | wechatpay-axios-plugin req/s | CPU µs per request, client + server: wechatpay-ts | wechatpay-axios-plugin |');
  line('|---:|---|---|---|---|---|');
  const cpu = (c, name) => {
    const k = results.loopbackCpu?.[c]?.[name];
    return k ? `${median(k.client).toFixed(0)} + ${median(k.server).toFixed(0)} = **${median(k.client.map((v, i) => v + k.server[i])).toFixed(0)}**` : '–';
  };
  for (const [c, byName] of Object.entries(results.loopback)) {
    line(`| ${c} | ${x(ratios(byName['wechatpay-ts'], byName['wechatpay-axios-plugin']))} | ${num(summary(byName['wechatpay-ts']))} | ${num(summary(byName['wechatpay-axios-plugin']))} | ${cpu(c, 'wechatpay-ts')} | ${cpu(c, 'wechatpay-axios-plugin')} |`);
  }
  line();
  line(`CPU per request is \`process.cpuUsage()\` (user + system, every thread) of the client process and of the server process over the segment, divided by the requests completed: on ${m.cores} cores, throughput can never exceed ${m.cores} s of CPU ÷ (client + server CPU per request).`);
  line();

  line('## 2. Throughput in-process, behind the sandbox\'s msw handlers');
  line();
  line('All three clients against `https://api.mch.weixin.qq.com/` intercepted by msw (`onUnhandledRequest: \'error\'`, nothing leaves the process). The sandbox checks and signs on the same event loop as the client, so every figure includes its work too. **wechatpay-node-v3 does not verify answers** (its HTTP layer returns `{ status, data }` and drops the headers; `verifySign()` exists only for callbacks): it is measured without verification, as the preflight below confirms.');
  line();
  line('| concurrency | wechatpay-ts ÷ axios-plugin | wechatpay-ts ÷ node-v3 ⚠ | wechatpay-ts req/s | wechatpay-axios-plugin req/s | wechatpay-node-v3 req/s ⚠ no verification |');
  line('|---:|---|---|---|---|---|');
  for (const [c, byName] of Object.entries(results.msw)) {
    const ts = byName['wechatpay-ts'];
    line(`| ${c} | ${x(ratios(ts, byName['wechatpay-axios-plugin']))} | ${x(ratios(ts, byName['wechatpay-node-v3']))} | ${num(summary(ts))} | ${num(summary(byName['wechatpay-axios-plugin']))} | ${num(summary(byName['wechatpay-node-v3']))} |`);
  }
  line();
  line(`Preflight (msw, one tampered answer each): ${Object.entries(results.preflight).map(([name, f]) => `${name} ${f.rejectsTampered ? 'rejects it' : '**accepts it**'}`).join('; ')}.`);
  line();

  line('## 3. The client\'s own cost per request, network taken out');
  line();
  line(`An axios adapter answers in memory with a correctly signed answer (re-signed each round to keep the timestamp fresh): what remains is the client's own work. The floor is one \`node:crypto\` RSA-SHA256 sign of the same request message plus one verify of the same answer: **async floor** = \`crypto.sign(…, callback)\` on the thread pool (as wechatpay-ts signs) plus a sync verify, at the same concurrency; **sequential floor** = both synchronous. Cost = wall time ÷ requests completed at that concurrency (µs, the inverse of throughput). ${s.costSeconds} s per item per round. wechatpay-node-v3 has no axios: its superagent layer is swapped through its own \`createHttp()\` for one that parses the same body; it signs and never verifies, so its row is not like for like.`);
  line();
  const cs = Object.keys(results.cost);
  line(`| per request | ${cs.map((c) => `c=${c}: ÷ async floor`).join(' | ')} | ${cs.map((c) => `c=${c}: µs`).join(' | ')} |`);
  line(`|---|${cs.map(() => '---').join('|')}|${cs.map(() => '---').join('|')}|`);
  for (const item of ['wechatpay-ts', 'wechatpay-axios-plugin', 'wechatpay-node-v3', 'floor-async', 'floor-sync']) {
    const name = item === 'floor-async' ? 'floor: async sign + verify' : item === 'floor-sync' ? 'floor: sequential sign + verify' : item === 'wechatpay-node-v3' ? `${CLIENTS[item].label} ⚠ signs only, no HTTP layer, no verification` : CLIENTS[item].label;
    const cells = cs.map((c) => (results.cost[c][item] ? x(ratios(results.cost[c][item], results.cost[c]['floor-async'])) : '–'));
    const abs = cs.map((c) => (results.cost[c][item] ? num(summary(results.cost[c][item]), 1) : '–'));
    line(`| ${name} | ${cells.join(' | ')} | ${abs.join(' | ')} |`);
  }
  {
    const r = ratios(results.cost[1]['wechatpay-ts'], results.cost[1]['floor-sync']);
    line();
    line(`At c=1, wechatpay-ts ÷ the sequential floor: ${x(r)}.`);
  }
  line();

  line(`## 4. Event-loop delay during a burst of ${s.burst} concurrent requests`);
  line();
  line(`\`monitorEventLoopDelay({ resolution: 1 })\` enabled 10 ms before the burst (its first tick records nothing) and disabled 5 ms after; ${s.burst} requests fired at once against the loopback server (separate process), after 20 warm-up requests. One burst per client per round. p99 is of the histogram's samples, one per loop turn: a single long stall (e.g. signing every request of the burst in one go) shows in max, hardly in p99.`);
  line();
  line('| client | p99 (ms) | max (ms) | burst wall time (ms) |');
  line('|---|---|---|---|');
  for (const [name, r] of Object.entries(results.eventLoop)) line(`| ${label(name)} | **${num(summary(r.p99), 1)}** | ${num(summary(r.max), 1)} | ${num(summary(r.wallMs))} |`);
  line();

  line(`## 5. Memory over ${s.memoryRequests.toLocaleString('en')} requests through one client`);
  line();
  line(`One process per client (\`node --expose-gc\`), in-memory signed answers (no network), ${s.memoryConcurrency} requests in flight; \`gc()\` twice before each reading. MiB.`);
  line();
  const points = results.memory['wechatpay-ts'].points;
  line(`| client | ${points.map((p) => `${(p.requests / 1000).toFixed(0)}k heap / rss`).join(' | ')} | heap ${(points.at(-1).requests / 1000).toFixed(0)}k ÷ ${(points[0].requests / 1000).toFixed(0)}k | rss ${(points.at(-1).requests / 1000).toFixed(0)}k ÷ ${(points[0].requests / 1000).toFixed(0)}k |`);
  line(`|---|${points.map(() => '---').join('|')}|---|---|`);
  for (const [name, r] of Object.entries(results.memory)) {
    const p = r.points;
    line(`| ${label(name)} | ${p.map((q) => `${mib(q.heapUsed)} / ${mib(q.rss)}`).join(' | ')} | ${pct(p.at(-1).heapUsed / p[0].heapUsed)} | ${pct(p.at(-1).rss / p[0].rss)} |`);
  }
  line();

  line('![ratios](latest.svg)');
  line();
  const note = new URL('../NOTE.md', import.meta.url);
  if (existsSync(note)) {
    line('## Closing note');
    line();
    line(readFileSync(note, 'utf8').trim());
    line();
  }
  return `${out.join('\n')}\n`;
}

/** A bar chart of the ratios, median bar with a min–max whisker and the target as a red tick. */
export function renderSvg(results) {
  const rows = [];
  for (const c of [1, 16, 64]) rows.push({ group: 'loopback', label: `loopback c=${c}: ts ÷ axios-plugin`, r: ratios(results.loopback[c]['wechatpay-ts'], results.loopback[c]['wechatpay-axios-plugin']), target: undefined, better: 'higher' });
  for (const c of [1, 16, 64]) rows.push({ group: 'msw', label: `msw c=${c}: ts ÷ axios-plugin`, r: ratios(results.msw[c]['wechatpay-ts'], results.msw[c]['wechatpay-axios-plugin']), target: undefined, better: 'higher' });
  for (const c of [1, 16, 64]) rows.push({ group: 'msw', label: `msw c=${c}: ts ÷ node-v3 (no verify)`, r: ratios(results.msw[c]['wechatpay-ts'], results.msw[c]['wechatpay-node-v3']), better: 'higher' });
  for (const c of Object.keys(results.cost)) rows.push({ group: 'cost', label: `cost c=${c}: ts ÷ async floor`, r: ratios(results.cost[c]['wechatpay-ts'], results.cost[c]['floor-async']), target: TARGET.cost, better: 'lower' });
  for (const c of Object.keys(results.cost)) rows.push({ group: 'cost', label: `cost c=${c}: axios-plugin ÷ async floor`, r: ratios(results.cost[c]['wechatpay-axios-plugin'], results.cost[c]['floor-async']), better: 'lower' });

  const [left, width, rowHeight, top] = [300, 440, 24, 56];
  const maxValue = Math.max(2, ...rows.map((row) => row.r.max)) * 1.05;
  const scale = (v) => left + (v / maxValue) * width;
  const height = top + rows.length * rowHeight + 40;
  const colors = { loopback: '#2f6fb0', msw: '#5a9bd4', cost: '#d98c2b' };
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 90}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">wechatpay-ts: ratios, median of ${results.settings.rounds} rounds (whisker: min–max)</text>`,
    `<text x="10" y="38" fill="#555">${esc(`${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, ${results.startedAt.slice(0, 10)}. Throughput: higher is better. Cost: lower is better. Red tick: target.`)}</text>`,
  ];
  for (let v = 0; v <= maxValue; v += 0.5) {
    parts.push(`<line x1="${scale(v)}" y1="${top - 6}" x2="${scale(v)}" y2="${top + rows.length * rowHeight}" stroke="${v === 1 ? '#333' : '#e4e4e4'}"/>`);
    parts.push(`<text x="${scale(v)}" y="${top + rows.length * rowHeight + 16}" text-anchor="middle" fill="#555">${v.toFixed(1)}×</text>`);
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const mid = y + rowHeight / 2;
    parts.push(`<text x="${left - 8}" y="${mid + 4}" text-anchor="end">${esc(row.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y + 4}" width="${scale(row.r.median) - left}" height="${rowHeight - 8}" fill="${colors[row.group]}"/>`);
    parts.push(`<line x1="${scale(row.r.min)}" y1="${mid}" x2="${scale(row.r.max)}" y2="${mid}" stroke="#111"/>`);
    parts.push(`<line x1="${scale(row.r.min)}" y1="${mid - 4}" x2="${scale(row.r.min)}" y2="${mid + 4}" stroke="#111"/><line x1="${scale(row.r.max)}" y1="${mid - 4}" x2="${scale(row.r.max)}" y2="${mid + 4}" stroke="#111"/>`);
    if (row.target !== undefined) parts.push(`<line x1="${scale(row.target)}" y1="${y + 1}" x2="${scale(row.target)}" y2="${y + rowHeight - 1}" stroke="#d62728" stroke-width="3"/>`);
    parts.push(`<text x="${Math.max(scale(row.r.max), scale(row.target ?? 0)) + 6}" y="${mid + 4}">${row.r.median.toFixed(2)}×</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export { median };
