/**
 * The docs site's local search finds an endpoint page by the name WeChat Pay gives the operation.
 * Proven on the built site: `vitepress build` of docs/ (the real config and every page) into a temp
 * directory, then its emitted search index (assets/chunks/@localSearchIndexroot.*.js) loaded with
 * MiniSearch as VitePress's search box loads it, and searched as the box searches (it shows the
 * first 16 results). The build stops after bundling (VitePress's BUNDLE_ONLY): the index is emitted
 * by the bundle, and rendering 1,000 pages to HTML would add a minute without changing it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { DOCS, readDoc, ROOT } from './markdown.js';
import { nameOfPage, pageOf } from '../../scripts/openapi/pages.mjs';
import { seedsOf } from '../../scripts/openapi/generate.mjs';

interface Result {
  id: string;
  title: string;
  titles: string[];
}
interface Index {
  search(query: string): Result[];
}
/** MiniSearch's serialized index, as far as this spec reads it: each document's id and stored title. */
interface Serialized {
  documentIds: Record<string, string>;
  storedFields: Record<string, { title: string; titles: string[] }>;
}
/** The MiniSearch VitePress's search box uses (a dependency of vitepress, resolved from there). */
const MiniSearch = createRequire(createRequire(import.meta.url).resolve('vitepress/package.json'))('minisearch') as { loadJSON(json: string, options: object): Index };
/** What VitePress's search box (VPLocalSearchBox.vue) passes to MiniSearch when the config adds no `miniSearch` options. */
const BOX_OPTIONS = { fields: ['title', 'titles', 'text'], storeFields: ['title', 'titles'], searchOptions: { fuzzy: 0.2, prefix: true, boost: { title: 4, text: 2, titles: 1 } } };
/** How many results the search box shows. */
const SHOWN = 16;

const facts = JSON.parse(readFileSync(join(ROOT, 'scripts', 'openapi', 'facts.json'), 'utf8')) as { operations: { template: string; method: string; name?: string }[] };

describe('docs site: local search finds an endpoint by its name (on the built index)', function () {
  this.timeout(600_000);
  let work: string;
  let json: string;
  let index: Index;
  const search = (query: string) => index.search(query).slice(0, SHOWN);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'wechatpay-docs-'));
    // The emitted chunks are ES modules: the directory above them says so.
    writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
    const vitepress = join(createRequire(import.meta.url).resolve('vitepress/package.json'), '..', 'bin', 'vitepress.js');
    await promisify(execFile)(process.execPath, [vitepress, 'build', DOCS, '--outDir', join(work, 'site')], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', BUNDLE_ONLY: '1' }, maxBuffer: 64 << 20 });
    const chunks = join(work, 'site', 'assets', 'chunks');
    const file = readdirSync(chunks).find((name) => /^@localSearchIndexroot\..+\.js$/.test(name));
    expect(file, 'the built search index').to.be.a('string');
    json = ((await import(pathToFileURL(join(chunks, file!)).href)) as { default: string }).default;
    index = MiniSearch.loadJSON(json, BOX_OPTIONS);
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is the search the site configures: local, with VitePress\'s own options', () => {
    expect(readDoc('docs/.vitepress/config.mts')).to.match(/\n\s*search: \{ provider: 'local' \},\n/);
  });

  it('searching 申请退款 reaches v3/refund/domestic/refunds: its page\'s title section, among the results shown', () => {
    const hit = search('申请退款').find((result) => result.id.startsWith('/openapi/v3/refund/domestic/refunds.html#'));
    expect(hit, 'v3/refund/domestic/refunds among the first 16').to.not.equal(undefined);
    expect(hit).to.deep.include({ title: '申请退款', titles: [] });
  });

  it('finds other pages by their names, and by template words', () => {
    const pages = (query: string) => search(query).map((result) => `${result.id.split('#')[0]} ${result.title}`);
    expect(pages('JSAPI下单')).to.include('/openapi/v3/pay/transactions/jsapi.html JSAPI下单');
    expect(pages('发起转账')).to.include('/openapi/v3/fund-app/mch-transfer/transfer-bills.html 发起转账');
    expect(pages('申请交易账单')[0]).to.equal('/openapi/v3/bill/tradebill.html 申请交易账单');
    // The heading beneath the name holds the method and template.
    expect(pages('v3/refund/domestic/refunds')).to.include('/openapi/v3/refund/domestic/refunds.html POST v3/refund/domestic/refunds');
  });

  it('indexes every generated page under its name, and the seed pages under their hand-written titles', () => {
    const { documentIds, storedFields } = JSON.parse(json) as Serialized;
    const titled = new Set(Object.entries(documentIds).filter(([id]) => storedFields[id]!.titles.length === 0).map(([id, doc]) => `${doc.split('#')[0]} ${storedFields[id]!.title}`));
    const seeds = new Set(Object.keys(seedsOf(readFileSync(join(ROOT, 'lib', 'registry.ts'), 'utf8'))));
    const byTemplate = new Map<string, typeof facts.operations>();
    for (const op of facts.operations) byTemplate.set(op.template, [...(byTemplate.get(op.template) ?? []), op]);
    const missing: string[] = [];
    let named = 0;
    for (const [template, ops] of byTemplate) {
      const name = nameOfPage(ops);
      if (!name || seeds.has(template)) continue;
      named += 1;
      if (!titled.has(`/${pageOf(template).replace(/\.md$/, '.html')} ${name}`)) missing.push(`${template}: ${name}`);
    }
    expect(missing).to.deep.equal([]);
    expect(named).to.be.greaterThan(1000);
    expect(titled).to.include('/openapi/v3/businesscircle/user-authorizations/{openid}.html 商圈会员积分服务授权查询');
    expect(titled).to.include('/openapi/v3/marketing/membercard-open/cards/{card_id}/permission-tokens.html 会员卡商户预授权');
  });
});
