/**
 * One validator for requests (and, in the specs, answers), driven by the facts: required
 * fields, types, enums, lengths, patterns, bounds. It reports the first violation with the
 * dotted name of the field and where it sits, as WeChat Pay's `400 PARAM_ERROR` does.
 */
import type { FactSchema } from './operations.js';

/** The first problem found: `field` dotted (`amount.total`, `receivers[0].account`). */
export interface Violation {
  field: string;
  location: string;
  message: string;
}

const patterns = new Map<string, RegExp | null>();
/** The facts write patterns `/…/`; one that does not compile is not checked. */
function patternOf(text: string): RegExp | null {
  let compiled = patterns.get(text);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(text.replace(/^\/(.*)\/$/s, '$1'), 'u');
    } catch {
      compiled = null;
    }
    patterns.set(text, compiled);
  }
  return compiled;
}

const typeOf = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/**
 * Checks `value` against `schema`. `fromText` says the value came as text (query, path,
 * header), so that `123` stands for an integer and `true` for a boolean.
 */
export function check(schema: FactSchema, value: unknown, field: string, location: string, fromText = false): Violation | undefined {
  const fail = (message: string): Violation => ({ field, location, message: `${field || location} ${message}` });
  let actual = value;
  if (fromText && typeof value === 'string') {
    if (schema.type === 'integer' || schema.type === 'number') {
      if (!/^-?\d+(\.\d+)?$/.test(value)) return fail(`must be a ${schema.type}`);
      actual = Number(value);
    } else if (schema.type === 'boolean') {
      if (value !== 'true' && value !== 'false') return fail('must be true or false');
      actual = value === 'true';
    }
  }
  switch (schema.type) {
    case 'string':
      if (typeof actual !== 'string') return fail('must be a string');
      break;
    case 'integer':
      if (typeof actual !== 'number' || !Number.isInteger(actual)) return fail('must be an integer');
      break;
    case 'number':
      if (typeof actual !== 'number' || !Number.isFinite(actual)) return fail('must be a number');
      break;
    case 'boolean':
      if (typeof actual !== 'boolean') return fail('must be a boolean');
      break;
    case 'array':
      if (!Array.isArray(actual)) return fail('must be an array');
      break;
    case 'object':
      if (typeOf(actual) !== 'object') return fail('must be an object');
      break;
    default:
      break;
  }
  if (schema.enum && !schema.enum.includes(actual as string | number)) return fail(`must be one of ${schema.enum.join(', ')}`);
  if (typeof actual === 'string') {
    const length = [...actual].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) return fail(`is longer than ${schema.maxLength} characters`);
    if (schema.minLength !== undefined && length < schema.minLength) return fail(`is shorter than ${schema.minLength} characters`);
    const pattern = schema.pattern ? patternOf(schema.pattern) : null;
    if (pattern && !pattern.test(actual)) return fail(`does not match ${schema.pattern}`);
  }
  if (typeof actual === 'number') {
    if (schema.maximum !== undefined && actual > schema.maximum) return fail(`must be at most ${schema.maximum}`);
    if (schema.minimum !== undefined && actual < schema.minimum) return fail(`must be at least ${schema.minimum}`);
  }
  if (Array.isArray(actual)) {
    if (schema.maxItems !== undefined && actual.length > schema.maxItems) return fail(`holds more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && actual.length < schema.minItems) return fail(`holds fewer than ${schema.minItems} items`);
    if (schema.items) {
      for (const [index, item] of actual.entries()) {
        const problem = check(schema.items, item, `${field}[${index}]`, location);
        if (problem) return problem;
      }
    }
  }
  if (typeOf(actual) === 'object') return checkObject(schema, actual as Record<string, unknown>, field, location, fromText);
  return undefined;
}

/** An object's required members, then each member present, in the schema's order. */
function checkObject(schema: FactSchema, object: Record<string, unknown>, prefix: string, location: string, fromText: boolean): Violation | undefined {
  const name = (key: string) => (prefix ? `${prefix}.${key}` : key);
  for (const key of schema.required ?? []) {
    const value = object[key];
    if (value === undefined || value === null || value === '') return { field: name(key), location, message: `${name(key)} is required` };
  }
  for (const [key, member] of Object.entries(schema.properties ?? {})) {
    if (object[key] === undefined || object[key] === null) continue;
    const problem = check(member, object[key], name(key), location, fromText);
    if (problem) return problem;
  }
  return undefined;
}
