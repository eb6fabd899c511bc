import { parseTemplate } from 'url-template';
import { ArgumentError } from './errors.js';
import { BoundedCache } from './cache.js';

/** A URI template compiled once: its expander, all its variable names, and the simple (`{name}`) ones. */
export interface CompiledTemplate {
  readonly expand: (values: Record<string, unknown>) => string;
  readonly names: ReadonlySet<string>;
  readonly simple: readonly string[];
}

const compiled = new BoundedCache<string, CompiledTemplate>(1024);

// RFC 6570 §2.2–2.4: an expression is an optional operator and a comma-separated list of varspecs.
// The expander (url-template) does not expose its parse, so the names are read here, checked
// against the grammar: a template the grammar refuses is refused, never half-expanded.
const VARNAME = '(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*';
const VARSPEC = new RegExp(`^(${VARNAME})(?::[1-9]\\d{0,3}|\\*)?$`);
const OPERATOR = /^[+#./;?&]/;

function compile(template: string): CompiledTemplate {
  const invalid = () => new ArgumentError('ERR_PATH_PARAM', `"${template}" is not a valid RFC 6570 URI template`);
  if (/[{}]/.test(template.replace(/\{[^{}]*\}/g, ''))) throw invalid();
  const names = new Set<string>();
  const simple: string[] = [];
  for (const [, body] of template.matchAll(/\{([^{}]*)\}/g)) {
    const operator = OPERATOR.test(body!) ? body![0] : '';
    for (const spec of body!.slice(operator.length).split(',')) {
      const name = VARSPEC.exec(spec)?.[1];
      if (name === undefined) throw invalid();
      names.add(name);
      if (operator === '') simple.push(name);
    }
  }
  const { expand } = parseTemplate(template);
  // Expansion is url-template's own (the project wraps it, never re-implements RFC 6570).
  return { expand: (values) => expand(values as Parameters<typeof expand>[0]), names, simple };
}

/** A template compiled once and cached: its variables' names, and its expander (through {@link expand}). */
export function compiledOf(template: string): CompiledTemplate {
  return compiled.get(template, compile);
}

/** The names of all of a template's variables, whatever their operator. */
export function variablesOf(template: string): ReadonlySet<string> {
  return compiledOf(template).names;
}

// With the `u` flag, a surrogate pair is one code point: only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `text` holds a lone UTF-16 surrogate, which has no UTF-8 bytes (`String#isWellFormed` is ES2024). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Whether any string inside `value` holds a lone UTF-16 surrogate. */
function malformed(value: unknown): boolean {
  if (typeof value === 'string') return hasLoneSurrogate(value);
  if (Array.isArray(value)) return value.some(malformed);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, inner]) => malformed(key) || malformed(inner));
  return false;
}

/**
 * Expands an RFC 6570 template. Every simple variable must be a non-empty string or a finite
 * number: a missing id must not silently turn `cards/{card_id}/x` into `cards//x`; nor may it be
 * `.` or `..`, which a URL parser resolves away (`refund/domestic/refunds/..` → `refund/domestic/`).
 * Values are sent as their UTF-8 bytes, each `%XX` (`😀` → `%F0%9F%98%80`), so `../x` stays
 * inside its segment; a value with a lone surrogate has no such bytes and is refused.
 * `compiled` is the template's {@link compiledOf}, when the caller holds it already.
 */
export function expand(template: string, values: Record<string, unknown>, { expand: expander, names, simple }: CompiledTemplate = compiledOf(template)): string {
  const refuse = (name: string, why: string): never => {
    throw new ArgumentError('ERR_PATH_PARAM', `path variable "${name}" of "${template}" is ${why}`);
  };
  for (const name of simple) {
    const value = values[name];
    const fine = (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
    if (!fine) {
      const got = value === undefined ? 'missing' : value === '' ? 'empty' : value === null ? 'null' : `a ${Array.isArray(value) ? 'array' : typeof value}`;
      refuse(name, `${got}; it must be a non-empty string or a number`);
    }
    if (value === '.' || value === '..') refuse(name, `the dot segment ${JSON.stringify(value)}, which would name another endpoint`);
  }
  for (const name of names) {
    if (malformed(values[name])) refuse(name, 'a string with a lone UTF-16 surrogate, which has no UTF-8 bytes');
  }
  return expander(values);
}
