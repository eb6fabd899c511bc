/**
 * `wxpay find WORDS…`: the operations whose name (申请退款, JSAPI下单) or template (refunds,
 * v3/pay/transactions) matches every word, best matches first, each with its name, method,
 * template, chained spelling and host when not the default. `--json` prints them for scripts.
 */
import type { CliIO } from '../cli.js';
import { VERBS } from '../chain.js';
import { NAMES, type NamedOperation } from '../endpoints/names.js';
import { hostOf } from '../hosts.js';
import { EXIT, parseCommandLine, UsageError } from './io.js';

/** What `wxpay find --help` prints. */
export const FIND_USAGE = `Usage: wxpay find WORDS… [--json]

Lists the operations whose name (申请退款, JSAPI下单) or template (refunds, v3/pay/transactions)
matches every word, best matches first: name, method, template, chained spelling, and the host
when it is not the default one. Exit 1 when nothing matches.

  --json                   the matches as a JSON array (name, method, template, chained, host)
  -h, --help               this text
`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One operation found, as `wxpay find --json` prints it. */
export interface FoundOperation {
  /** Its name as WeChat Pay calls it, or null where the facts hold none. */
  name: string | null;
  /** GET, POST, PUT, PATCH or DELETE. */
  method: string;
  /** The URI template as the facts write it. */
  template: string;
  /** `wxpay.v3.pay.transactions.jsapi`, or null where a segment has no chained property. */
  chained: string | null;
  /** The base URL it is served from when not the client's own (the Hong Kong host, APIv2's others), else null. */
  host: string | null;
}

/** Full-width forms folded (（） → ()), case folded: how names, templates and words are compared. */
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

/** A word looked for, folded, with its character pairs when it is Chinese of three characters or more. */
interface Word {
  text: string;
  pairs: string[];
}
function wordOf(text: string): Word {
  const chars = [...text];
  return { text, pairs: chars.length >= 3 && /\p{Script=Han}/u.test(text) ? chars.slice(1).map((char, at) => `${chars[at]}${char}`) : [] };
}

/** An operation's name, template and chained spelling, folded once. */
interface Folded {
  name: string;
  template: string;
  segments: string[];
  chained: string;
}
const folded = new WeakMap<NamedOperation, Folded>();
function foldedOf(op: NamedOperation): Folded {
  let entry = folded.get(op);
  if (!entry) {
    const template = fold(op.template);
    folded.set(op, (entry = { name: fold(op.name ?? ''), template, segments: template.split('/'), chained: fold(op.chained ?? '') }));
  }
  return entry;
}

/**
 * How well one word matches an operation, 0 for not at all: the whole name or template, the
 * name's start, part of the name, a template segment, part of the template or chained spelling,
 * the method; a Chinese word in another order (most of its character pairs in the name).
 */
function scoreOf({ text: word, pairs }: Word, op: NamedOperation): number {
  const { name, template, segments, chained } = foldedOf(op);
  if (name === word || template === word || template === `${word}/`) return 100;
  if (name.startsWith(word)) return 70;
  if (name.includes(word)) return 50;
  if (segments.includes(word)) return 40;
  if (template.includes(word) || chained.includes(word)) return 25;
  if (word === op.method) return 10;
  // 退款申请 against 申请退款: two of its three character pairs.
  const share = pairs.length ? pairs.filter((pair) => name.includes(pair)).length / pairs.length : 0;
  return share >= 0.5 ? Math.round(30 * share) : 0;
}

/** APIv3 on the default host first, then other hosts (Hong Kong), then APIv2: among equal matches. */
const rankOf = ({ template, host }: FoundOperation) => (template.startsWith('v2/') ? 2 : template.startsWith('v3/') && host === null ? 0 : 1);

/**
 * The operations every word matches, best first: by score (summed over the words), then APIv3 on
 * the default host before the rest, the shorter name, the template, the method.
 */
export function findOperations(words: readonly string[], operations: readonly NamedOperation[] = NAMES): FoundOperation[] {
  const wanted = words.flatMap((word) => fold(word).split(/\s+/)).map((word) => word.replace(/^\/+/, '')).filter(Boolean).map(wordOf);
  if (wanted.length === 0) return [];
  const scored = operations.flatMap((op) => {
    const scores = wanted.map((word) => scoreOf(word, op));
    if (scores.includes(0)) return [];
    const found = { name: op.name ?? null, method: op.method.toUpperCase(), template: op.template, chained: op.chained ?? null, host: hostOf(op.template.replace(/\/$/, '')) ?? null };
    return [{ found, score: scores.reduce((sum, score) => sum + score, 0), verb: VERBS.indexOf(op.method) }];
  });
  const length = ({ name }: FoundOperation) => (name === null ? Infinity : [...name].length);
  scored.sort((a, b) => b.score - a.score || rankOf(a.found) - rankOf(b.found) || length(a.found) - length(b.found) || (a.found.template < b.found.template ? -1 : a.found.template > b.found.template ? 1 : 0) || a.verb - b.verb);
  return scored.map(({ found }) => found);
}

/** The text `wxpay find` prints for one operation: name, method and template; how to call it; its host. */
function foundText(found: FoundOperation): string {
  const call = `${found.chained ?? `wxpay.chain('${found.template}')`}.${found.method.toLowerCase()}`;
  return `${found.name ? `${found.name} · ` : ''}${found.method} ${found.template}\n  ${call}\n${found.host ? `  host ${found.host}\n` : ''}`;
}

/** `wxpay find …`: resolves to the exit code; no match is a failure, said on stderr. */
export async function runFind(argv: string[], io: CliIO): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv, OPTIONS);
    if (values.help) {
      io.stdout(FIND_USAGE);
      return EXIT.OK;
    }
    if (positionals.every((word) => word.trim() === '')) throw new UsageError('give words to look for (a name such as 申请退款, or part of a template)');
    const found = findOperations(positionals);
    io.stdout(values.json ? `${JSON.stringify(found, null, 2)}\n` : found.map(foundText).join(''));
    if (found.length === 0) io.stderr('wxpay find: no operation matches (没有匹配的接口)\n');
    return found.length ? EXIT.OK : EXIT.FAILURE;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`wxpay find: ${error.message}\n\n${FIND_USAGE}`);
      return EXIT.USAGE;
    }
    throw error;
  }
}
