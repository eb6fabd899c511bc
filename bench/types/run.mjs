// `node bench/types/run.mjs [--root DIR] [--label NAME]`: type-scale figures of a build of
// wechatpay-ts (DIR, default this repository; its dist/ must be built), each the median of 3:
// - tsc --noEmit of a user file calling 30 operations in the three styles (90 calls), against dist/:
//   wall time and tsc's "Check time";
// - language-service completion latency after `wxpay.`, `wxpay.v3.`, `wxpay.v3.pay.transactions.`,
//   inside `wxpay['v3/` and inside a `json: {` literal: the file open and checked as in an editor,
//   then one edit and the completion request (only the edited file changes version);
// - the project's own `tsc --noEmit -p tsconfig.json`;
// - the user file against dist/ with skipLibCheck off: any "excessively deep" (TS2589) is reported.
// Prints JSON; writes results/types-<label>.json beside this folder's results.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, loadavg, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userFile } from './calls.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const root = resolve(flag('--root', join(here, '..', '..')));
const label = flag('--label', 'current');
const runs = Number(process.env.BENCH_TYPES_RUNS ?? 3);
const ts = createRequire(join(root, 'package.json'))('typescript');
const tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const timed = (fn) => {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
};
const run = (...argv) => {
  try {
    return { output: execFileSync(process.execPath, [tsc, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), ok: true };
  } catch (error) {
    return { output: `${error.stdout ?? ''}${error.stderr ?? ''}`, ok: false };
  }
};

// A consumer project: node_modules/wechatpay-ts → the build under test.
const consumer = mkdtempSync(join(tmpdir(), 'wechatpay-types-bench-'));
mkdirSync(join(consumer, 'node_modules'));
symlinkSync(root, join(consumer, 'node_modules', 'wechatpay-ts'), 'dir');
const compilerOptions = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules', '@types')] };
writeFileSync(join(consumer, 'package.json'), '{ "type": "module" }\n');
writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['user.ts'] }));
writeFileSync(join(consumer, 'tsconfig.deep.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { skipLibCheck: false } }));
const text = userFile();
writeFileSync(join(consumer, 'user.ts'), text);

try {
  const result = { label, root, date: new Date().toISOString(), machine: { cpus: cpus().length, loadavg: loadavg().map((n) => Number(n.toFixed(2))) }, runs };

  // 1. The user file.
  // Wall time (tsc's start-up, parsing lib.d.ts and @types/node included) and tsc's own "Check time".
  const userRuns = [];
  const checkRuns = [];
  let userErrors = '';
  for (let i = 0; i < runs; i += 1) {
    const { ms, value } = timed(() => run('-p', join(consumer, 'tsconfig.json'), '--extendedDiagnostics'));
    userRuns.push(ms);
    checkRuns.push(1000 * Number(/^Check time:\s+([\d.]+)s/m.exec(value.output)?.[1] ?? NaN));
    if (!value.ok) userErrors = value.output.split('\n').filter((line) => /error TS/.test(line)).join('\n');
  }
  result.userFile = {
    medianMs: Math.round(median(userRuns)), runsMs: userRuns.map(Math.round),
    checkMs: Math.round(median(checkRuns)), checkRunsMs: checkRuns.map(Math.round),
    compiles: userErrors === '', errors: userErrors.split('\n').slice(0, 5),
  };

  // 2. dist/ declarations with skipLibCheck off.
  const deep = run('-p', join(consumer, 'tsconfig.deep.json'));
  result.consumerDeclarations = { excessivelyDeep: (deep.output.match(/TS2589/g) ?? []).length, errors: deep.ok ? 0 : deep.output.split('\n').filter((line) => /error TS/.test(line)).length };

  // 3. Completions in the language service.
  const probes = {
    'wxpay.': 'wxpay.',
    'wxpay.v3.': 'wxpay.v3.',
    'wxpay.v3.pay.transactions.': 'wxpay.v3.pay.transactions.',
    "wxpay['v3/": "wxpay['v3/",
    'json: {': "void wxpay.v3.pay.transactions.jsapi.post({ json: { ",
  };
  const file = join(consumer, 'user.ts');
  let current = text;
  let version = 0;
  const host = {
    getScriptFileNames: () => [file],
    // Only the edited file changes between requests: lib.d.ts, @types/node and the package's
    // declarations keep their version, so the document registry reuses them as tsserver does.
    getScriptVersion: (name) => (name === file ? String(version) : '0'),
    getScriptSnapshot: (name) => (name === file ? ts.ScriptSnapshot.fromString(current) : ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(name)) : undefined),
    getCurrentDirectory: () => consumer,
    getCompilationSettings: () => ({ ...ts.convertCompilerOptionsFromJson(compilerOptions, consumer).options }),
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    realpath: ts.sys.realpath,
  };
  result.completions = {};
  for (const [name, trigger] of Object.entries(probes)) {
    const times = [];
    let entries = 0;
    for (let i = 0; i < runs; i += 1) {
      const service = ts.createLanguageService(host, ts.createDocumentRegistry());
      current = text;
      version += 1;
      service.getSemanticDiagnostics(file); // the file is open and checked, as in an editor
      current = text.replace('export async function calls() {', `export async function calls() {\n  ${trigger}`);
      version += 1;
      const position = current.indexOf(trigger) + trigger.length;
      const { ms, value } = timed(() => service.getCompletionsAtPosition(file, position, { triggerCharacter: trigger.endsWith('.') ? '.' : undefined, includeCompletionsWithInsertText: true }));
      times.push(ms);
      entries = value?.entries.length ?? 0;
      service.dispose();
    }
    result.completions[name] = { medianMs: Math.round(median(times)), runsMs: times.map(Math.round), entries };
  }

  // 4. The project's own type-check.
  const projectRuns = [];
  for (let i = 0; i < runs; i += 1) projectRuns.push(timed(() => run('--noEmit', '-p', join(root, 'tsconfig.json'))).ms);
  result.projectTypecheck = { medianMs: Math.round(median(projectRuns)), runsMs: projectRuns.map(Math.round) };

  const out = join(here, '..', 'results', `types-${label}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(consumer, { recursive: true, force: true });
}
