/**
 * Every TypeScript block in docs/ compiles against the package's own types.
 *
 * Each ```ts / ```typescript block (code-group tabs included) is written as its own module
 * into `.tmp/docs-snippets/run-<pid>/` (removed when they all compile) and all of them are checked in one program, with the options of
 * `spec/docs/tsconfig.snippets.json` (strict; `wechatpay-ts` → lib/index.ts,
 * `wechatpay-ts/testing` → lib/testing/index.ts). No hidden preamble: a block must be a
 * complete module. The one convention: a block whose label is a file name (```ts [wxpay.ts])
 * is written under that name, so other blocks can `import { wxpay } from './wxpay.js'`,
 * exactly as a reader would with the file shown on the page.
 */
import { expect } from 'chai';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { markdownFiles, readDoc, ROOT, typescriptBlocks, type CodeBlock } from './markdown.js';
import { PAGE_MARK } from '../../scripts/openapi/pages.mjs';

// One directory per run: other people may run the suite in the same work tree at the same time.
// It has to sit inside the repository so that the examples resolve `msw` and `@types/node`.
const OUT = join(ROOT, '.tmp', 'docs-snippets', `run-${process.pid}`);
const CONFIG = join(ROOT, 'spec', 'docs', 'tsconfig.snippets.json');

interface Snippet extends CodeBlock {
  markdown: string;
  module: string;
}

function collect(): Snippet[] {
  const snippets: Snippet[] = [];
  for (const markdown of markdownFiles()) {
    for (const block of typescriptBlocks(readDoc(markdown))) {
      const named = block.label !== undefined && /^[\w.-]+\.ts$/.test(block.label);
      const base = markdown.replace(/^docs\//, '').replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '_');
      const module = named ? block.label! : `${base}.L${block.line}.ts`;
      snippets.push({ ...block, markdown, module: join(OUT, module) });
    }
  }
  return snippets;
}

function compilerOptions(): ts.CompilerOptions {
  const read = ts.readConfigFile(CONFIG, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(CONFIG), undefined, CONFIG);
  // 18002 / 18003: the config lists no files of its own; this spec passes them.
  const problems = parsed.errors.filter((d) => d.code !== 18002 && d.code !== 18003);
  if (problems.length > 0) throw new Error(problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  return parsed.options;
}

describe('docs: TypeScript examples compile against the package types', () => {
  const snippets = collect();

  it('finds the examples, including every code-group tab of the endpoint pages', () => {
    expect(snippets.length).to.be.greaterThan(20);
    // Hand-written endpoint pages show six tabs; generated ones one example in the three styles.
    for (const page of markdownFiles().filter((file) => file.startsWith('docs/openapi/v'))) {
      const generated = readDoc(page).includes(PAGE_MARK);
      expect(snippets.filter((s) => s.markdown === page && (generated || s.label !== undefined)).length, page).to.be.at.least(generated ? 1 : 6);
    }
    const modules = snippets.map((s) => s.module);
    expect(new Set(modules).size, 'named example files are unique').to.equal(modules.length);
  });

  it('compiles every example with strict tsc, reporting Markdown file and line', function () {
    // One synchronous type-check: mocha could not stop it, so a limit would only turn a busy
    // machine (over 120 s seen, 30–45 s usual under load) into a failure.
    this.timeout(0);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    for (const snippet of snippets) writeFileSync(snippet.module, `${snippet.code}\n`);

    const program = ts.createProgram(snippets.map((s) => s.module), compilerOptions());
    const bySource = new Map(snippets.map((s) => [s.module, s]));
    const report: string[] = [];
    const describeDiagnostic = (d: ts.Diagnostic) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;

    for (const d of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) report.push(describeDiagnostic(d));
    for (const snippet of snippets) {
      const file = program.getSourceFile(snippet.module);
      if (!file) {
        report.push(`${snippet.markdown}:${snippet.line}: example not loaded`);
        continue;
      }
      for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
        const at = d.start === undefined ? { line: 0, character: 0 } : file.getLineAndCharacterOfPosition(d.start);
        const owner = bySource.get(file.fileName) ?? snippet;
        report.push(`${owner.markdown}:${owner.line + at.line}:${at.character + 1} ${describeDiagnostic(d)}`);
      }
    }
    expect(report, `\n${report.join('\n')}\n(extracted examples kept in ${OUT})\n`).to.deep.equal([]);
    rmSync(OUT, { recursive: true, force: true });
  });
});
