// `node bench/types/run.mjs [--baseline COMMIT] [--runs N] [--user-runs N] [--completion-runs N]`: type-scale figures of this checkout
// (its dist/ must be built) beside the 2-endpoint baseline (COMMIT, default the last main commit
// before the generated registry landed), both measured the same way in the same run, rounds
// alternating so that a change of machine load falls on both. Each figure is the median of 3:
// - the user file (30 operations × 3 styles, calls.mjs) against dist/: `tsc --noEmit
//   --extendedDiagnostics`, wall time and tsc's own "Check time" (the budget's figure), with the
//   types and instantiations it counts. Median of 9 here, not 3: one run takes 3 s, and on a
//   loaded 2-CPU machine a single run's Check time strays by a quarter either way;
// - language-service completions after `wxpay.`, `wxpay.v3.`, `wxpay.v3.pay.transactions.`, inside
//   `wxpay['v3/` and inside a `json: {` literal (left open, and with its brackets closed as an editor
//   closes them), as an editor asks them: one warm service, the file
//   checked, the trigger's last character typed (a one-character edit), `getCompletionsAtPosition`
//   timed (it includes bringing the program up to date after that edit; unchanged files keep their
//   text, as in tsserver). Median of 9 as well: a fresh service's first requests are still warming
//   up (the open `json: {` probe's first is about twice its ninth), and every request is listed;
// - the project's own `tsc --noEmit -p tsconfig.json` (wall and Check time);
// - the user file against dist/ with skipLibCheck off: any "excessively deep" (TS2589) is counted.
// The baseline is extracted with `git archive`, given this checkout's node_modules, and built.
// Writes results/types-current.json, results/types-baseline.json and results/types.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, loadavg, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userFile } from './calls.mjs';
import { renderTypes } from './render.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const root = resolve(join(here, '..', '..'));
/** main just before the generated registry (issue 17) was merged: the 2-endpoint registry. */
const baselineCommit = flag('--baseline', '37d9e3771023e8e8ac8704384f7c82cd338cb64c');
const runs = Number(flag('--runs', process.env.BENCH_TYPES_RUNS ?? 3));
const userRuns = Number(flag('--user-runs', Math.max(runs, 9)));
const completionRuns = Number(flag('--completion-runs', Math.max(runs, 9)));
const require = createRequire(join(root, 'package.json'));
const ts = require('typescript');
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load = () => Number(loadavg()[0].toFixed(2));
const timed = (fn) => {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
};
const run = (...argv) => {
  try {
    return { output: execFileSync(process.execPath, [tsc, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }), ok: true };
  } catch (error) {
    return { output: `${error.stdout ?? ''}${error.stderr ?? ''}`, ok: false };
  }
};
/** One `tsc --extendedDiagnostics` run: wall ms, and tsc's own figures. */
const diagnosed = (...argv) => {
  const { ms, value } = timed(() => run('--extendedDiagnostics', ...argv));
  const figure = (name) => Number(value.output.match(new RegExp(`^${name}:\\s+([\\d.]+)`, 'm'))?.[1] ?? NaN);
  return { wallMs: ms, checkMs: figure('Check time') * 1000, totalMs: figure('Total time') * 1000, types: figure('Types'), instantiations: figure('Instantiations'), memoryK: figure('Memory used'), ok: value.ok, output: value.output, load: load() };
};
const summary = (samples, fields) => Object.fromEntries(fields.map((field) => [field, Math.round(median(samples.map((s) => s[field])))]));

const work = mkdtempSync(join(tmpdir(), 'wechatpay-types-bench-'));

/** The baseline checkout: `git archive` of the commit, this checkout's node_modules, built. */
function baselineTree() {
  const dir = join(work, 'baseline');
  mkdirSync(dir);
  execFileSync('sh', ['-c', `git -C "${root}" archive ${baselineCommit} | tar -x -C "${dir}"`]);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(dir, 'scripts', 'build.mjs')], { cwd: dir, stdio: 'ignore' });
  return dir;
}

/** A consumer project whose node_modules/wechatpay-ts links to the build under test. */
function consumerOf(name, build) {
  const dir = join(work, `consumer-${name}`);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(build, join(dir, 'node_modules', 'wechatpay-ts'), 'dir');
  const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] };
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['user.ts'] }));
  writeFileSync(join(dir, 'tsconfig.deep.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { skipLibCheck: false } }));
  writeFileSync(join(dir, 'user.ts'), userFile());
  return { name, build, dir, compilerOptions };
}

const probes = {
  'wxpay.': 'wxpay.',
  'wxpay.v3.': 'wxpay.v3.',
  'wxpay.v3.pay.transactions.': 'wxpay.v3.pay.transactions.',
  "wxpay['v3/": "wxpay['v3/",
  'json: {': 'void wxpay.v3.pay.transactions.jsapi.post({ json: { ',
  'json: { } (brackets closed)': 'void wxpay.v3.pay.transactions.jsapi.post({ json: { ',
};
// What follows the cursor. Left open, the literal takes in the rest of the file as the parser
// recovers, so the completion checks most of the file again; an editor that closes brackets as
// they are typed (VS Code's default) leaves `{ json: {  } });` instead.
const after = { 'json: { } (brackets closed)': ' } });' };

/**
 * An editor on one probe, one warm language service: each `request()` types the line up to its
 * last character and checks the file (what tsserver does between keystrokes), then types the last
 * character and times the completion request. Only the user file changes version, so the library
 * and dist/ declarations stay parsed, as in tsserver.
 */
function editor(consumer, trigger, closing = '') {
  const file = join(consumer.dir, 'user.ts');
  const text = userFile();
  const at = 'export async function calls() {';
  const withLine = (line) => text.replace(at, `${at}\n  ${line}`);
  let current = text;
  let version = 0;
  const options = ts.convertCompilerOptionsFromJson(consumer.compilerOptions, consumer.dir).options;
  const host = {
    getScriptFileNames: () => [file],
    getScriptVersion: (name) => (name === file ? String(version) : '0'),
    getScriptSnapshot: (name) => (name === file ? ts.ScriptSnapshot.fromString(current) : snapshotOf(name)),
    getCurrentDirectory: () => consumer.dir,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
  };
  // tsserver keeps an unchanged file's text (it watches the file) rather than reading it from disk
  // at every keystroke; so does this host, or each request would time reading every declaration file.
  const snapshots = new Map();
  const snapshotOf = (name) => {
    if (!snapshots.has(name)) snapshots.set(name, ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(name)) : undefined);
    return snapshots.get(name);
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  const opened = timed(() => service.getSemanticDiagnostics(file)); // the file opened: program built once
  return {
    openMs: Math.round(opened.ms),
    request() {
      current = withLine(trigger.slice(0, -1) + closing);
      version += 1;
      service.getSemanticDiagnostics(file);
      current = withLine(trigger + closing);
      version += 1;
      const position = current.indexOf(trigger) + trigger.length;
      const { ms, value } = timed(() => service.getCompletionsAtPosition(file, position, { triggerCharacter: trigger.endsWith('.') ? '.' : undefined, includeCompletionsWithInsertText: true }));
      return { ms, entries: value?.entries.length ?? 0, load: load() };
    },
    dispose: () => service.dispose(),
  };
}

/**
 * One probe on every tree: an editor each, requests alternating between them round by round
 * (which goes first alternates too), so that load and the process's JIT warm-up fall on both.
 */
function completions(trees, trigger, closing) {
  const editors = trees.map((t) => editor(t, trigger, closing));
  const samples = trees.map(() => []);
  try {
    for (let i = 0; i < completionRuns; i += 1) {
      const order = i % 2 === 0 ? editors.keys() : [...editors.keys()].reverse();
      for (const k of order) samples[k].push(editors[k].request());
    }
  } finally {
    for (const e of editors) e.dispose();
  }
  return Object.fromEntries(trees.map((t, k) => [t.name, { openMs: editors[k].openMs, samples: samples[k] }]));
}

try {
  const trees = [consumerOf('baseline', baselineTree()), consumerOf('current', root)];
  const results = Object.fromEntries(trees.map((t) => [t.name, { label: t.name, root: t.name === 'baseline' ? `git ${baselineCommit}` : root, date: new Date().toISOString(), typescript: ts.version, machine: { cpus: cpus().length, loadavgAtStart: loadavg().map((n) => Number(n.toFixed(2))) }, runs, userRuns, completionRuns }]));
  const raw = Object.fromEntries(trees.map((t) => [t.name, { user: [], project: [], completions: Object.fromEntries(Object.keys(probes).map((p) => [p, { samples: [] }])) }]));

  // 1. The user file, rounds alternating.
  for (let i = 0; i < userRuns; i += 1) for (const t of trees) raw[t.name].user.push(diagnosed('-p', join(t.dir, 'tsconfig.json')));
  // 2. Completions, probe by probe, requests alternating.
  for (const name of Object.keys(probes)) {
    const measured = completions(trees, probes[name], after[name]);
    for (const t of trees) raw[t.name].completions[name] = measured[t.name];
  }
  // 3. dist/ declarations with skipLibCheck off.
  for (const t of trees) {
    const deep = run('-p', join(t.dir, 'tsconfig.deep.json'));
    results[t.name].consumerDeclarations = { excessivelyDeep: (deep.output.match(/TS2589/g) ?? []).length, errors: deep.ok ? 0 : deep.output.split('\n').filter((line) => /error TS/.test(line)).length };
  }
  // 4. The project's own type-check, rounds alternating.
  for (let i = 0; i < runs; i += 1) for (const t of trees) raw[t.name].project.push(diagnosed('--noEmit', '-p', join(t.build, 'tsconfig.json')));

  const fields = ['wallMs', 'checkMs', 'totalMs', 'types', 'instantiations', 'memoryK'];
  for (const t of trees) {
    const r = results[t.name];
    const { user, project } = raw[t.name];
    const failed = user.find((s) => !s.ok);
    r.userFile = { ...summary(user, fields), runs: user.map((s) => ({ wallMs: Math.round(s.wallMs), checkMs: Math.round(s.checkMs), load: s.load })), compiles: !failed, errors: failed ? failed.output.split('\n').filter((l) => /error TS/.test(l)).slice(0, 5) : [] };
    r.completions = Object.fromEntries(Object.entries(raw[t.name].completions).map(([name, c]) => [name, { medianMs: Math.round(median(c.samples.map((s) => s.ms))), runs: c.samples.map((s) => ({ ms: Math.round(s.ms), load: s.load })), entries: c.samples.at(-1)?.entries ?? 0, openMs: c.openMs }]));
    r.projectTypecheck = { ...summary(project, fields), runs: project.map((s) => ({ wallMs: Math.round(s.wallMs), checkMs: Math.round(s.checkMs), load: s.load })), ok: project.every((s) => s.ok) };
    r.machine.loadavgAtEnd = loadavg().map((n) => Number(n.toFixed(2)));
    writeFileSync(join(here, '..', 'results', `types-${t.name}.json`), `${JSON.stringify(r, null, 2)}\n`);
  }
  writeFileSync(join(here, '..', 'results', 'types.md'), renderTypes(results.baseline, results.current));
  console.log(renderTypes(results.baseline, results.current));
} finally {
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
