/**
 * docs/openapi/ is generated from the facts (one page per template, the index) together with the
 * sidebar: the committed files must be what a fresh generation writes, no stale generated page may
 * linger, the hand-written seed pages stay hand-written, and pages carry no prose of the source.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../../../scripts/openapi/generate.mjs';
import { parse } from 'yaml';
import { chainedOf, familyOf, nameOfPage, PAGE_MARK, pageOf, pages } from '../../../scripts/openapi/pages.mjs';

const DOCS = join(ROOT, 'docs');
const facts = JSON.parse(readFileSync(join(ROOT, 'scripts', 'openapi', 'facts.json'), 'utf8')) as { operations: { template: string; method: string; name?: string }[] };
/** The operations of each page, by its path under docs/, in the facts' (method) order. */
const opsOfPage = new Map<string, typeof facts.operations>();
for (const op of facts.operations) opsOfPage.set(pageOf(op.template), [...(opsOfPage.get(pageOf(op.template)) ?? []), op]);
/** A page's frontmatter, as VitePress reads it (YAML). */
const frontmatterOf = (text: string) => parse(/^---\n([\s\S]*?)\n---\n/.exec(text)![1]!) as { title: string; description: string };
const registry = readFileSync(join(ROOT, 'lib', 'registry.ts'), 'utf8');
// Imported by a computed name, so that the type-check does not load VitePress's and Vite's
// declarations (113 files) for the one call this spec makes.
const VITEPRESS: string = 'vitepress';
interface VitePress {
  createMarkdownRenderer(srcDir: string, options: object, base: string): Promise<{ parseInline(src: string, env: object): { children: { content: string }[] | null }[] }>;
}
const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));

describe('docs/openapi: generated from the facts', () => {
  const fresh = pages(facts, registry);

  it('writes a page for every template but the two hand-written seeds, and the index', () => {
    const templates = new Set(facts.operations.map((op) => op.template.replace(/\/+$/, '')));
    const generated = Object.keys(fresh).filter((name) => name.startsWith('openapi/v') || /^openapi\/(hk|global)\//.test(name));
    expect(generated.length).to.equal(templates.size - 2);
    expect(fresh).to.not.have.property('openapi/v3/businesscircle/user-authorizations/{openid}.md');
    expect(fresh).to.have.property('openapi/index.md');
    expect(fresh).to.have.property('.vitepress/openapi-sidebar.json');
  });

  it('matches the committed files byte for byte (run `npm run generate` when it does not)', () => {
    const stale = Object.entries(fresh).filter(([name, text]) => readFileSync(join(DOCS, name), 'utf8') !== text).map(([name]) => name);
    expect(stale, 'generated docs differ from a fresh generation').to.deep.equal([]);
  });

  it('leaves no generated page that the facts no longer hold, and keeps the seed pages hand-written', () => {
    const marked = walk(join(DOCS, 'openapi')).filter((file) => readFileSync(file, 'utf8').includes(PAGE_MARK)).map((file) => relative(DOCS, file));
    expect(marked.sort()).to.deep.equal(Object.keys(fresh).filter((name) => name.startsWith('openapi/')).sort());
    expect(readFileSync(join(DOCS, 'openapi/v3/businesscircle/user-authorizations/{openid}.md'), 'utf8')).to.not.include(PAGE_MARK);
  });

  it('catches a change to the facts (the check can fail)', () => {
    const changed = structuredClone(facts) as { operations: { template: string; method: string; body?: { required: string[] } }[] };
    changed.operations.find((op) => op.template === 'v3/pay/transactions/jsapi')!.body!.required.push('attach');
    expect(pages(changed, registry)[pageOf('v3/pay/transactions/jsapi')]).to.not.equal(fresh[pageOf('v3/pay/transactions/jsapi')]);
  });

  it('titles every page by its name as VitePress reads it (a closing {var} is not taken for Markdown attributes), or by its methods and template', async () => {
    const md = await (await import(VITEPRESS) as VitePress).createMarkdownRenderer(DOCS, {}, '/');
    const logged: string[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(' '));
    try {
      const read = Object.entries(fresh).filter(([name]) => name.endsWith('.md') && name !== 'openapi/index.md').map(([name, text]) => {
        const { title, description } = frontmatterOf(text);
        return { name, read: md.parseInline(title, {})[0]!.children!.map((token) => token.content).join(''), description };
      });
      expect(read.length).to.be.greaterThan(1000);
      let named = 0;
      for (const { name, read: title, description } of read) {
        const ops = opsOfPage.get(name)!;
        const wanted = nameOfPage(ops);
        expect(description, name).to.equal(`${ops.map((op) => op.method.toUpperCase()).join(' · ')} ${ops[0]!.template}`);
        expect(title, name).to.equal(wanted ?? description);
        if (wanted) named += 1;
      }
      expect(named).to.equal(read.length - 1);
    } finally {
      console.error = error;
    }
    expect(logged).to.deep.equal([]);
  });

  it('heads each page with its name, the methods and template in the heading beneath', () => {
    const headings = (text: string) => text.split('\n').filter((line) => /^#{1,2} /.test(line));
    expect(headings(fresh[pageOf('v3/refund/domestic/refunds')]!).slice(0, 3)).to.deep.equal(['# 申请退款', '## POST `v3/refund/domestic/refunds`', '## POST']);
    // A page of several operations: every name in the title, each method's heading with its own.
    expect(headings(fresh[pageOf('v3/marketing/favor/users/{openid}/coupons')]!)).to.deep.equal([
      '# 根据商户号查用户的券 · 发放代金券',
      '## GET · POST `v3/marketing/favor/users/{openid}/coupons`',
      '## GET · 根据商户号查用户的券',
      '## POST · 发放代金券',
    ]);
    // The one operation without a name keeps its template as the title.
    expect(headings(fresh[pageOf('v2/secapi/mch/addsubdevconfig')]!)).to.deep.equal(['# `v2/secapi/mch/addsubdevconfig`', '## POST']);
    for (const [name, ops] of opsOfPage) {
      const page = fresh[name];
      const wanted = nameOfPage(ops);
      if (page && wanted) expect(headings(page)[0], name).to.equal(`# ${wanted}`);
    }
  });

  it('lists every operation in the index by its name, method and template', () => {
    const index = fresh['openapi/index.md']!;
    const rows = index.split('\n').filter((line) => /^\| .* \| (GET|POST|PUT|PATCH|DELETE) \| \[/.test(line));
    expect(rows.length).to.equal(facts.operations.length);
    expect(index).to.include('| 名称 | 方法 | URI 模板 |');
    expect(rows).to.include('| 申请退款 | POST | [`v3/refund/domestic/refunds`](./v3/refund/domestic/refunds.md) |');
    expect(rows).to.include('| JSAPI下单 | POST | [`v3/pay/transactions/jsapi`](./v3/pay/transactions/jsapi.md) |');
    expect(rows).to.include('|  | POST | [`v2/secapi/mch/addsubdevconfig`](./v2/secapi/mch/addsubdevconfig.md) |');
  });

  it('keeps the hand-written titles of the two seed pages', () => {
    const seeds = { 'openapi/v3/businesscircle/user-authorizations/{openid}.md': '商圈会员积分服务授权查询', 'openapi/v3/marketing/membercard-open/cards/{card_id}/permission-tokens.md': '会员卡商户预授权' };
    for (const [name, title] of Object.entries(seeds)) {
      expect(fresh, name).to.not.have.property(name);
      const text = readFileSync(join(DOCS, name), 'utf8');
      expect(frontmatterOf(text).title).to.equal(title);
      expect(text).to.include(`\n# ${title} <Badge`);
    }
  });

  it('names each page by its template, its family and its chained form where one exists', () => {
    expect(pageOf('v3/applyment4sub/applyment/')).to.equal('openapi/v3/applyment4sub/applyment.md');
    expect(familyOf('v3/pay/transactions/jsapi')).to.equal('v3/pay');
    expect(familyOf('global/v3/customs/orders')).to.equal('global/v3/customs');
    expect(chainedOf('v3/marketing/membercard-open/cards/{card_id}')).to.equal('wxpay.v3.marketing.membercardOpen.cards._card_id_');
    expect(chainedOf('v2/secapi/mch/addInstitutionsub')).to.equal(undefined);
    expect(fresh[pageOf('v2/secapi/mch/addInstitutionsub')]).to.include('无：路径段不能写成属性名');
  });

  it('marks encrypted fields and shows wxpay.encrypt() in their examples', () => {
    const transfer = fresh[pageOf('v3/fund-app/mch-transfer/transfer-bills')]!;
    expect(transfer).to.match(/\| `user_name` \|[^\n]*加密字段/);
    expect(fresh[pageOf('v3/marketing/membercard-open/phonenumber-member/import')]).to.include('加密字段');
  });

  it('carries facts only: no line of generated text reads as a sentence of the source', () => {
    for (const [name, text] of Object.entries(fresh)) {
      expect(/[\u4e00-\u9fff][^"\n|]{20,}[。；！？]|[\u4e00-\u9fff]{25,}/.test(text), name).to.equal(false);
    }
  });
});
