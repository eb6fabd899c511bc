/**
 * Reads the request and response tables of an endpoint page and compares them with the
 * registry's rows (see {@link ./registry-model.ts}).
 *
 * Table conventions of `docs/openapi/**.md` pages:
 * - the request table is the first table after the heading `请求参数`, the response table the
 *   first after `返回字段`; when a template has several methods, the headings carry the method
 *   (`GET 请求参数`, `PATCH 返回字段`);
 * - columns are found by header: name (first column), `类型`, `必填` or `必返` (`是` / `否`), `描述`;
 * - the name cell is the field in a code span; a nested field at depth N ≥ 1 is written as
 *   `&emsp;` × (N − 1), then `└─ `, then the code span — e.g. `└─ `appid``;
 * - enum values go at the end of the description, after `枚举值：`, each in its own code span.
 */
import type { OperationModel, Row } from './registry-model.js';
import { headings, tableAfter, type Table } from './markdown.js';

export interface PageRow extends Row {
  line: number;
}

export interface PageTables {
  request: PageRow[] | undefined;
  response: PageRow[] | undefined;
  requestLine: number | undefined;
  responseLine: number | undefined;
}

/** `docs/openapi/v3/a/{b}.md` → `v3/a/{b}`; undefined for pages that are not endpoint pages. */
export function templateOfPage(file: string): string | undefined {
  const match = /^docs\/openapi\/(v\d+\/.+)\.md$/.exec(file);
  return match?.[1];
}

export function pageOfTemplate(template: string): string {
  return `docs/openapi/${template}.md`;
}

function findTable(markdown: string, title: string, method: string, methods: number): Table | undefined {
  const wanted = methods > 1 ? [`${method.toUpperCase()} ${title}`] : [title, `${method.toUpperCase()} ${title}`];
  const heading = headings(markdown).find((h) => h.depth >= 2 && wanted.includes(h.text.trim()));
  return heading ? tableAfter(markdown, heading.line) : undefined;
}

const NAME = /^((?:&emsp;)*)(└─\s*)?`([^`]+)`$/;

function parseTable(table: Table, file: string, errors: string[]): PageRow[] {
  const column = (...names: string[]) => table.header.findIndex((cell) => names.includes(cell));
  const typeAt = column('类型');
  const requiredAt = column('必填', '必返');
  const descriptionAt = column('描述');
  if (typeAt < 0 || requiredAt < 0 || descriptionAt < 0) {
    errors.push(`${file}:${table.line}: the table needs the columns 类型, 必填 (or 必返) and 描述; found ${table.header.join(' | ')}`);
    return [];
  }
  const rows: PageRow[] = [];
  const stack: string[] = [];
  for (const { line, cells } of table.rows) {
    const at = `${file}:${line}`;
    const name = NAME.exec(cells[0] ?? '');
    if (!name) {
      errors.push(`${at}: cannot read the name cell ${JSON.stringify(cells[0])} (expected \`name\` or └─ \`name\`)`);
      continue;
    }
    const depth = name[2] ? name[1]!.length / '&emsp;'.length + 1 : 0;
    if (!name[2] && name[1]) errors.push(`${at}: &emsp; indentation without └─`);
    if (depth > stack.length) {
      errors.push(`${at}: \`${name[3]}\` is nested deeper than the row above allows`);
      continue;
    }
    stack.length = depth;
    const path = [...stack, name[3]!].join('.');
    stack.push(name[3]!);
    const requiredCell = cells[requiredAt] ?? '';
    if (requiredCell !== '是' && requiredCell !== '否') errors.push(`${at}: required cell must be 是 or 否, found ${JSON.stringify(requiredCell)}`);
    const enumMatch = /枚举值[：:](.*)$/.exec(cells[descriptionAt] ?? '');
    const values = enumMatch ? [...enumMatch[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort() : undefined;
    rows.push({ path, depth, type: (cells[typeAt] ?? '').trim(), required: requiredCell === '是', enum: values, line });
  }
  return rows;
}

export function readPageTables(markdown: string, file: string, method: string, methods: number, errors: string[]): PageTables {
  const request = findTable(markdown, '请求参数', method, methods);
  const response = findTable(markdown, '返回字段', method, methods);
  return {
    request: request && parseTable(request, file, errors),
    response: response && parseTable(response, file, errors),
    requestLine: request?.line,
    responseLine: response?.line,
  };
}

const yesNo = (flag: boolean) => (flag ? '是' : '否');
const enumText = (values: string[] | undefined) => (values ? values.join(' ') : '(none)');

function compareRows(file: string, what: string, tableLine: number, page: PageRow[], registry: Row[]): string[] {
  const errors: string[] = [];
  const byPath = new Map(page.map((row) => [row.path, row]));
  const seen = new Set<string>();
  for (const row of page) {
    if (seen.has(row.path)) errors.push(`${file}:${row.line}: ${what} field \`${row.path}\` is listed twice`);
    seen.add(row.path);
  }
  for (const expected of registry) {
    const actual = byPath.get(expected.path);
    if (!actual) {
      errors.push(`${file}:${tableLine}: ${what} field \`${expected.path}\` is in the registry but missing from the table`);
      continue;
    }
    const at = `${file}:${actual.line}: ${what} field \`${expected.path}\``;
    if (actual.required !== expected.required) {
      errors.push(`${at}: required is ${yesNo(actual.required)} in the page, ${yesNo(expected.required)} in the registry`);
    }
    if (actual.type !== expected.type) errors.push(`${at}: type is ${actual.type} in the page, ${expected.type} in the registry`);
    if (enumText(actual.enum) !== enumText(expected.enum)) {
      errors.push(`${at}: enum values are ${enumText(actual.enum)} in the page, ${enumText(expected.enum)} in the registry`);
    }
  }
  const known = new Set(registry.map((row) => row.path));
  for (const row of page) {
    if (!known.has(row.path)) errors.push(`${file}:${row.line}: ${what} field \`${row.path}\` is in the table but not in the registry`);
  }
  return errors;
}

/** Every difference between a page's tables and the registry's operation, as `file:line: message`. */
export function compareOperation(markdown: string, file: string, operation: OperationModel, methods: number): string[] {
  const errors: string[] = [];
  const tables = readPageTables(markdown, file, operation.method, methods, errors);
  const label = methods > 1 ? `${operation.method.toUpperCase()} ` : '';
  if (operation.request.length > 0 || tables.request) {
    if (!tables.request) errors.push(`${file}: no request table (a table after the heading \`${label}请求参数\`)`);
    else errors.push(...compareRows(file, 'request', tables.requestLine!, tables.request, operation.request));
  }
  if (operation.response.length > 0 || tables.response) {
    if (!tables.response) errors.push(`${file}: no response table (a table after the heading \`${label}返回字段\`)`);
    else errors.push(...compareRows(file, 'response', tables.responseLine!, tables.response, operation.response));
  }
  return errors;
}
