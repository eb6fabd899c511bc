/**
 * Endpoint pages cannot drift from the typed registry: same pages, same fields, same required
 * flags, same types, same enum values. Table conventions: see ./endpoint-page.ts.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareOperation, pageOfTemplate, templateOfPage } from './endpoint-page.js';
import { codeBlocks, frontmatter, headings, markdownFiles, readDoc, ROOT, typescriptBlocks } from './markdown.js';
import { loadRegistry, type OperationModel } from './registry-model.js';
import { PAGE_MARK } from '../../scripts/openapi/pages.mjs';

const operations = loadRegistry();
const templates = [...new Set(operations.map((op) => op.template))];
// Generated pages are checked against a fresh generation (spec/scripts/openapi/pages.spec.ts); the
// hand-written ones, here, against the hand-written registry.
const endpointPages = markdownFiles().filter((file) => templateOfPage(file) !== undefined && !readDoc(file).includes(PAGE_MARK));

function methodsOf(template: string, ops: OperationModel[] = operations): number {
  return ops.filter((op) => op.template === template).length;
}

/** All differences between the docs and a registry model: pages both ways, then every table. */
function drift(ops: OperationModel[], read: (file: string) => string = readDoc): string[] {
  const errors: string[] = [];
  const known = new Set(ops.map((op) => op.template));
  for (const file of endpointPages) {
    if (!known.has(templateOfPage(file)!)) errors.push(`${file}: no entry \`${templateOfPage(file)}\` in lib/registry.ts Endpoints`);
  }
  for (const op of ops) {
    const file = pageOfTemplate(op.template);
    if (!existsSync(join(ROOT, file))) {
      errors.push(`${file}: missing page for ${op.method.toUpperCase()} ${op.template}`);
      continue;
    }
    errors.push(...compareOperation(read(file), file, op, methodsOf(op.template, ops)));
  }
  return errors;
}

/** The chained spelling of a template: `{card_id}` → `_card_id_`, `membercard-open` → `membercardOpen`. */
function chainedName(template: string): string {
  return template
    .split('/')
    .map((segment) => {
      const variable = /^\{(.+)\}$/.exec(segment);
      return variable ? `_${variable[1]}_` : segment.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    })
    .join('.');
}

/** The naming rule of the guide, for one chained property name. */
function segmentOf(name: string): string {
  const variable = /^_(.+)_$/.exec(name);
  if (variable) return `{${variable[1]}}`;
  return name.replace(/^[A-Z]/, (ch) => ch.toLowerCase()).replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
}

describe('docs: endpoint pages against lib/registry.ts', () => {
  it('reads the registry', () => {
    expect(templates).to.include.members([
      'v3/businesscircle/user-authorizations/{openid}',
      'v3/marketing/membercard-open/cards/{card_id}/permission-tokens',
    ]);
  });

  it('has one page per registry template and a registry entry per page', () => {
    const fromPages = endpointPages.map((file) => templateOfPage(file));
    expect(fromPages.sort()).to.deep.equal([...templates].sort());
  });

  it('has request and response tables that match the registry', () => {
    const errors = drift(operations);
    expect(errors, `\n${errors.join('\n')}\n`).to.deep.equal([]);
  });

  // The check itself, on a fixed fixture (not the live registry, so that real edits to the
  // registry only ever fail the test above): every kind of drift is reported, with its line.
  describe('catches drift', () => {
    const registry = [
      'export interface Endpoints {',
      "  'v3/demo/{id}': {",
      '    get: {',
      '      path: { id: string };',
      "      query: { appid: string; sub_mchid?: string; kind?: 'A' | 'B' };",
      "      response: { state: 'ON' | 'OFF'; detail?: { flag: boolean; items: { note?: string }[] } };",
      '    };',
      '  };',
      '}',
    ].join('\n');
    const page = [
      '## 请求参数',
      '',
      '| 参数 | 类型 | 必填 | 描述 |',
      '|---|---|---|---|',
      '| `id` | string | 是 | 路径变量 |',
      '| `query` | object | 是 | 查询参数 |',
      '| └─ `appid` | string | 是 | AppID |',
      '| └─ `sub_mchid` | string | 否 | 子商户号 |',
      '| └─ `kind` | string | 否 | 种类。枚举值：`A` `B` |',
      '',
      '## 返回字段',
      '',
      '| 字段 | 类型 | 必返 | 描述 |',
      '|---|---|---|---|',
      '| `state` | string | 是 | 状态。枚举值：`ON` `OFF` |',
      '| `detail` | object | 否 | 详情 |',
      '| └─ `flag` | boolean | 是 | 标志 |',
      '| └─ `items` | array | 是 | 列表 |',
      '| &emsp;└─ `note` | string | 否 | 备注 |',
    ].join('\n');
    const check = (registryText: string, pageText: string) =>
      loadRegistry(registryText).flatMap((op) => compareOperation(pageText, 'demo.md', op, 1)).join('\n');
    const edit = (text: string, from: string, to: string) => {
      expect(text, `fixture text ${JSON.stringify(from)}`).to.include(from);
      return text.replace(from, to);
    };

    it('finds no difference when page and registry agree (nesting included)', () => {
      expect(check(registry, page)).to.equal('');
    });

    it('a field renamed in the registry', () => {
      const errors = check(edit(registry, ' appid: string;', ' app_id: string;'), page);
      expect(errors).to.include('demo.md:3: request field `query.app_id` is in the registry but missing from the table');
      expect(errors).to.include('demo.md:7: request field `query.appid` is in the table but not in the registry');
    });

    it('a required flag flipped in the registry', () => {
      const errors = check(edit(registry, 'sub_mchid?: string', 'sub_mchid: string'), page);
      expect(errors).to.include('demo.md:8: request field `query.sub_mchid`: required is 否 in the page, 是 in the registry');
    });

    it('an enum value removed, a type changed, a nested field renamed in the registry', () => {
      let text = edit(registry, "state: 'ON' | 'OFF'", "state: 'ON'");
      text = edit(text, 'flag: boolean', 'flag: string');
      text = edit(text, 'note?: string', 'memo?: string');
      const errors = check(text, page);
      expect(errors).to.include('demo.md:15: response field `state`: enum values are OFF ON in the page, ON in the registry');
      expect(errors).to.include('demo.md:17: response field `detail.flag`: type is boolean in the page, string in the registry');
      expect(errors).to.include('demo.md:13: response field `detail.items.memo` is in the registry but missing from the table');
      expect(errors).to.include('demo.md:19: response field `detail.items.note` is in the table but not in the registry');
    });

    it('a field renamed, a required flag flipped, an enum value dropped in the page', () => {
      let text = edit(page, '| └─ `appid` | string | 是 |', '| └─ `app_id` | string | 是 |');
      text = edit(text, '| `state` | string | 是 |', '| `state` | string | 否 |');
      text = edit(text, '枚举值：`A` `B`', '枚举值：`A`');
      const errors = check(registry, text);
      expect(errors).to.include('demo.md:3: request field `query.appid` is in the registry but missing from the table');
      expect(errors).to.include('demo.md:7: request field `query.app_id` is in the table but not in the registry');
      expect(errors).to.include('demo.md:15: response field `state`: required is 否 in the page, 是 in the registry');
      expect(errors).to.include('demo.md:9: request field `query.kind`: enum values are A in the page, A B in the registry');
    });

    it('a missing table, and a row nested under nothing', () => {
      expect(check(registry, page.split('## 返回字段')[0]!)).to.include('demo.md: no response table');
      expect(check(registry, edit(page, '| `id` | string |', '| &emsp;└─ `id` | string |'))).to.include('`id` is nested deeper than the row above allows');
    });
  });
});

describe('docs: endpoint page contents', () => {
  for (const template of templates) {
    const file = pageOfTemplate(template);
    const ops = operations.filter((op) => op.template === template);

    describe(file, () => {
      const text = existsSync(join(ROOT, file)) ? readDoc(file) : '';

      it('has frontmatter with title and description', () => {
        const meta = frontmatter(text);
        expect(meta?.['title'], 'title').to.be.a('string').and.not.equal('');
        expect(meta?.['description'], 'description').to.be.a('string').and.not.equal('');
      });

      it('names its method and path', () => {
        for (const op of ops) expect(text).to.include(`\`${op.method.toUpperCase()} /${template}\``);
      });

      it('shows the six call styles: await and Promise, each chained, chain(…) and bracket', () => {
        const chained = chainedName(template);
        expect(chained.split('.').map(segmentOf).join('/'), 'chained name round-trips').to.equal(template);
        const blocks = typescriptBlocks(text);
        for (const op of ops) {
          const styles = {
            chained: `wxpay.${chained}`,
            declarative: `.chain('${template}')`,
            bracket: `wxpay['${template}']`,
          };
          for (const needle of Object.values(styles)) {
            for (const verb of [op.method, `${op.method}Async`]) {
              const call = `${needle}.${verb}(`;
              const found = blocks.some((block) => block.code.replace(/\s*\n\s*/g, '').includes(call));
              expect(found, `a TypeScript example calling ${call}…)`).to.equal(true);
            }
          }
        }
        const tabs = codeBlocks(text).filter((block) => block.label !== undefined);
        expect(tabs.length, 'code-group tabs').to.be.at.least(6 * ops.length);
        expect(text).to.include('::: code-group');
      });

      it('documents the error codes, with what to do', () => {
        const section = headings(text).find((h) => h.text === '错误码');
        expect(section, 'an 错误码 section').to.not.equal(undefined);
        for (const code of [
          'PARAM_ERROR', 'INVALID_REQUEST', 'SIGN_ERROR', 'NO_AUTH', 'FREQUENCY_LIMITED', 'SYSTEM_ERROR',
          'ERR_PATH_PARAM', 'ERR_RESPONSE_HEADERS', 'ERR_RESPONSE_TIMESTAMP', 'ERR_RESPONSE_SERIAL',
          'ERR_RESPONSE_SIGNATURE', 'ERR_SIGNATURE_PROBE',
        ]) {
          expect(text, code).to.match(new RegExp(`^\\| \`${code}\` \\|.*\\|.*\\|.*\\S.*\\|$`, 'm'));
        }
      });

      it('links to the official WeChat Pay documentation', () => {
        expect(text).to.match(/\]\(https:\/\/pay\.weixin\.qq\.com\/[^)\s]+\)/);
      });
    });
  }
});

describe('docs: site structure', () => {
  const guide = ['install', 'configure', 'naming', 'options', 'errors', 'keys', 'sandbox'];

  it('has the guide pages, each with a title and description', () => {
    for (const page of guide) {
      const file = `docs/guide/${page}.md`;
      expect(existsSync(join(ROOT, file)), file).to.equal(true);
      const meta = frontmatter(readDoc(file));
      expect(meta?.['title'], `${file} title`).to.be.a('string').and.not.equal('');
      expect(meta?.['description'], `${file} description`).to.be.a('string').and.not.equal('');
    }
  });

  it('links every sidebar entry to an existing page', () => {
    const config = readDoc('docs/.vitepress/config.mts');
    const links = [...config.matchAll(/link:\s*'([^']+)'/g)].map((m) => m[1]!);
    expect(links.length).to.be.greaterThan(guide.length);
    for (const link of links) {
      const base = link.replace(/^\//, '').replace(/#.*$/, '');
      const file = base === '' || base.endsWith('/') ? `docs/${base}index.md` : `docs/${base}.md`;
      expect(existsSync(join(ROOT, file)), `${link} → ${file}`).to.equal(true);
    }
    // The endpoint sidebar (generated) links families into the index, which links every page.
    const openapi = JSON.parse(readDoc('docs/.vitepress/openapi-sidebar.json')) as { link?: string; items?: { link: string }[] }[];
    for (const link of openapi.flatMap((group) => [group.link, ...(group.items ?? []).map((item) => item.link)]).filter(Boolean)) {
      expect(link, 'an endpoint sidebar entry').to.match(/^\/openapi\/(#[a-z0-9-]+)?$/);
    }
    const index = readDoc('docs/openapi/index.md');
    for (const template of templates) expect(index, template).to.include(`(./${template}.md)`);
  });
});
