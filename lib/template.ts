import { parse } from 'uri-template';
import { ArgumentError } from './errors.js';
import { BoundedCache } from './cache.js';

/** A URI template compiled once: its expander, all its variable names, and the simple (`{name}`) ones. */
interface CompiledTemplate {
  readonly expand: (values: Record<string, unknown>) => string;
  readonly names: ReadonlySet<string>;
  readonly simple: readonly string[];
}

const compiled = new BoundedCache<string, CompiledTemplate>(1024);

function compile(template: string): CompiledTemplate {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(template);
  } catch {
    throw new ArgumentError('ERR_PATH_PARAM', `"${template}" is not a valid RFC 6570 URI template`);
  }
  const expressions = parsed.ast.parts.flatMap((part) => (part.type === 'expression' ? [part] : []));
  const simple = expressions.flatMap((part) => (part.operator === '' ? part.variables.map((variable) => variable.name) : []));
  const names = new Set(expressions.flatMap((part) => part.variables.map((variable) => variable.name)));
  return { expand: parsed.expand, names, simple };
}

/** The names of all of a template's variables, whatever their operator. */
export function variablesOf(template: string): ReadonlySet<string> {
  return compiled.get(template, compile).names;
}

/**
 * Expands an RFC 6570 template. Every simple variable must be a non-empty string or a finite
 * number: a missing id must not silently turn `cards/{card_id}/x` into `cards//x`.
 * Values are percent-encoded by the expander, so `../x` stays inside its segment.
 */
export function expand(template: string, values: Record<string, unknown>): string {
  const { expand: expander, simple } = compiled.get(template, compile);
  for (const name of simple) {
    const value = values[name];
    const fine = (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
    if (!fine) {
      const got = value === undefined ? 'missing' : value === '' ? 'empty' : value === null ? 'null' : `a ${Array.isArray(value) ? 'array' : typeof value}`;
      throw new ArgumentError('ERR_PATH_PARAM', `path variable "${name}" of "${template}" is ${got}; it must be a non-empty string or a number`);
    }
  }
  return expander(values);
}
