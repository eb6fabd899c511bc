/**
 * Just enough Markdown reading for the docs drift specs: fenced code blocks (with the
 * line they start on), headings, pipe tables, and the nesting convention of our tables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
export const DOCS = join(ROOT, 'docs');

/** Every Markdown file under `docs/`, as paths relative to the repository root, sorted. */
export function markdownFiles(dir = DOCS): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'cache') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(full));
    else if (entry.name.endsWith('.md')) out.push(relative(ROOT, full).split(sep).join('/'));
  }
  return out.sort();
}

export function readDoc(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

export interface CodeBlock {
  /** The language word of the info string: `ts` in "```ts [await · 链式]". */
  lang: string;
  /** The bracketed label (code-group tab title), when there is one. */
  label: string | undefined;
  /** 1-based line number, in the Markdown file, of the first line of code. */
  line: number;
  code: string;
}

/** Fenced code blocks (``` or ~~~, any length ≥ 3), including those inside `::: code-group`. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const info = open[2]!.trim();
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j += 1) {
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).exec(lines[j]!);
      if (close) break;
      body.push(lines[j]!);
    }
    const lang = (/^[^\s{[:]*/.exec(info)?.[0] ?? '').toLowerCase();
    const label = /\[([^\]]*)\]/.exec(info)?.[1];
    blocks.push({ lang, label, line: i + 2, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** The TypeScript blocks: ```ts and ```typescript (with or without a label or highlight marks). */
export function typescriptBlocks(markdown: string): CodeBlock[] {
  return codeBlocks(markdown).filter((block) => block.lang === 'ts' || block.lang === 'typescript');
}

/** Markdown with fenced code blocks blanked out (line numbers kept), so headings inside code are not headings. */
function withoutCode(markdown: string): string[] {
  const lines = markdown.split(/\r?\n/);
  let fence: string | undefined;
  return lines.map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) {
      fence = marker;
      return '';
    }
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      return '';
    }
    return line;
  });
}

export interface Frontmatter {
  [key: string]: string;
}

/** The flat `key: value` pairs of a YAML frontmatter block (enough for `title` and `description`). */
export function frontmatter(markdown: string): Frontmatter | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(markdown);
  if (!match) return undefined;
  const out: Frontmatter = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const pair = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (pair) out[pair[1]!] = pair[2]!.replace(/^(['"])(.*)\1$/, '$2').trim();
  }
  return out;
}

export interface Heading {
  depth: number;
  text: string;
  line: number;
}

export function headings(markdown: string): Heading[] {
  const out: Heading[] = [];
  withoutCode(markdown).forEach((line, index) => {
    const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (match) out.push({ depth: match[1]!.length, text: match[2]!.replace(/\s*\{#[^}]*\}$/, ''), line: index + 1 });
  });
  return out;
}

export interface Table {
  /** 1-based line of the header row. */
  line: number;
  header: string[];
  rows: { line: number; cells: string[] }[];
}

function splitRow(line: string): string[] {
  let text = line.trim();
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === '|') {
      cell += '|';
      i += 1;
    } else if (ch === '`') {
      inCode = !inCode;
      cell += ch;
    } else if (ch === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/** The first pipe table after the heading at `headingLine`, before the next heading. */
export function tableAfter(markdown: string, headingLine: number): Table | undefined {
  const lines = withoutCode(markdown);
  for (let i = headingLine; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (/^#{1,6}\s/.test(line)) return undefined;
    if (!line.trim().startsWith('|')) continue;
    const delimiter = lines[i + 1] ?? '';
    if (!/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(delimiter)) continue;
    const table: Table = { line: i + 1, header: splitRow(line), rows: [] };
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith('|'); j += 1) {
      table.rows.push({ line: j + 1, cells: splitRow(lines[j]!) });
    }
    return table;
  }
  return undefined;
}
