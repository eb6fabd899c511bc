/**
 * The generated TSDoc an editor shows: every chained property that reaches operations, and every
 * typed verb, carries the operation's name and its docs page. Checked in the generated text for
 * every operation, and through TypeScript's language service (hover and completion details) as
 * an editor asks it.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TS from 'typescript';
import { chainedOf, pageOf, ROOT } from '../../scripts/openapi/generate.mjs';
import type { FactOperation } from '../../scripts/openapi/facts.mjs';

const facts = JSON.parse(readFileSync(join(ROOT, 'scripts', 'openapi', 'facts.json'), 'utf8')) as { operations: FactOperation[] };
const nodes = readFileSync(join(ROOT, 'lib', 'endpoints', 'nodes.ts'), 'utf8');
// Loaded at run time, so that the project's type-check does not take in the compiler's declarations for this spec.
const ts = createRequire(import.meta.url)('typescript') as typeof TS;

describe('lib/endpoints: TSDoc with the operation names', () => {
  const lines = new Set(nodes.split('\n').map((line) => line.trim()));

  it('gives every typed verb (and its Async twin) its name, method, template and page', () => {
    const missing: string[] = [];
    for (const op of facts.operations) {
      const what = `${op.name ? `${op.name} · ` : ''}${op.method.toUpperCase()} ${op.template} · docs/${pageOf(op.template)}`;
      for (const verb of [op.method, `${op.method}Async`]) if (!lines.has(`/** ${verb} — ${what} */`)) missing.push(`${verb} of ${op.template}`);
    }
    expect(missing).to.deep.equal([]);
  });

  it('gives every chained property that reaches operations their names and its page', () => {
    const byTemplate = new Map<string, FactOperation[]>();
    for (const op of facts.operations) byTemplate.set(op.template, [...(byTemplate.get(op.template) ?? []), op]);
    let checked = 0;
    const missing: string[] = [];
    for (const [template, ops] of byTemplate) {
      const chained = chainedOf(template);
      if (!chained) continue;
      const property = chained.split('.').at(-1)!;
      const what = ops.length === 1 ? (ops[0]!.name ?? `${ops[0]!.method.toUpperCase()} ${template}`) : ops.map((op) => `${op.method.toUpperCase()} ${op.name ?? template}`).join(' · ');
      if (!lines.has(`/** ${property} — ${what} · docs/${pageOf(template)} */`)) missing.push(template);
      checked += 1;
    }
    expect(missing).to.deep.equal([]);
    expect(checked).to.be.greaterThan(1000);
  });

  describe('in an editor (TypeScript language service over lib/)', function () {
    this.timeout(120_000);
    const file = join(ROOT, 'spec', 'endpoints', '__hover__.ts');
    const text = [
      "import { Builder } from '../../lib/index.js';",
      'declare const config: Parameters<typeof Builder.factory>[0];',
      'const wxpay = Builder.factory(config);',
      'void wxpay.v3.pay.transactions.jsapi.post;',
      'void wxpay.v3.businesscircle.userAuthorizations._openid_.getAsync;',
      'void wxpay.v3.marketing.favor.users._openid_.coupons;',
      "void wxpay.v3.refund.domestic.refunds.post({ json: { out_refund_no: 1 } });",
      'void wxpay.v3.pay.transactions.',
      '',
    ].join('\n');
    let service: TS.LanguageService;
    const at = (snippet: string, word: string) => text.indexOf(snippet) + snippet.indexOf(word) + 1;
    const hover = (snippet: string, word: string) => ts.displayPartsToString(service.getQuickInfoAtPosition(file, at(snippet, word))?.documentation);

    before(() => {
      const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
      const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
      service = ts.createLanguageService({
        getScriptFileNames: () => [file],
        getScriptVersion: () => '1',
        getScriptSnapshot: (name) => (name === file ? ts.ScriptSnapshot.fromString(text) : ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(name)!) : undefined),
        getCurrentDirectory: () => ROOT,
        getCompilationSettings: () => options,
        getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
        fileExists: (name) => name === file || ts.sys.fileExists(name),
        readFile: (name) => (name === file ? text : ts.sys.readFile(name)),
        readDirectory: ts.sys.readDirectory,
        directoryExists: ts.sys.directoryExists,
        getDirectories: ts.sys.getDirectories,
      });
    });
    after(() => service?.dispose());

    it('hovering a chained property or a verb shows its name and page', () => {
      expect(hover('transactions.jsapi.post', 'jsapi')).to.equal('jsapi — JSAPI下单 · docs/openapi/v3/pay/transactions/jsapi.md');
      expect(hover('transactions.jsapi.post', 'post')).to.equal('post — JSAPI下单 · POST v3/pay/transactions/jsapi · docs/openapi/v3/pay/transactions/jsapi.md');
      // A seed endpoint's verb (hand-written types) too, and its Async twin.
      expect(hover('_openid_.getAsync', 'getAsync')).to.equal('getAsync — 商圈积分授权查询 · GET v3/businesscircle/user-authorizations/{openid} · docs/openapi/v3/businesscircle/user-authorizations/{openid}.md');
      // A node of several operations names each by its method.
      expect(hover('_openid_.coupons;', 'coupons')).to.equal('coupons — GET 根据商户号查用户的券 · POST 发放代金券 · docs/openapi/v3/marketing/favor/users/{openid}/coupons.md');
    });

    it('completion details after `wxpay.v3.pay.transactions.` show the name', () => {
      const position = text.lastIndexOf('transactions.') + 'transactions.'.length;
      const completions = service.getCompletionsAtPosition(file, position, { triggerCharacter: '.' });
      expect(completions?.entries.map((entry) => entry.name)).to.include('jsapi');
      const details = service.getCompletionEntryDetails(file, position, 'jsapi', undefined, undefined, undefined, undefined);
      expect(ts.displayPartsToString(details?.documentation)).to.equal('jsapi — JSAPI下单 · docs/openapi/v3/pay/transactions/jsapi.md');
    });

    it('the verbs keep their types: typed options, typed answer, a wrong option refused', () => {
      const info = service.getQuickInfoAtPosition(file, at('transactions.jsapi.post', 'post'));
      expect(ts.displayPartsToString(info?.displayParts)).to.equal('(property) V3PayTransactionsJsapi.post: Call<V3PayTransactionsJsapiPost, V3PayTransactionsJsapiPostAnswer>');
      const errors = service.getSemanticDiagnostics(file).map((d) => `${text.slice(0, d.start).split('\n').length}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/^7: Type 'number' is not assignable to type 'string'/);
    });
  });
});
