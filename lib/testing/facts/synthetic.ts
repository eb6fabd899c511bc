/**
 * Answers (and, in the specs, requests) made up from the facts: every declared member, enums
 * honoured, lengths, bounds and the facts' few patterns respected, formats sane. Deterministic:
 * the same seed and field path give the same value, whatever was asked before.
 */
import { createHash } from 'node:crypto';
import type { FactSchema } from './operations.js';
import { check } from './validate.js';

/** How deep nested objects are filled in; deeper members are left out. */
const MAX_DEPTH = 8;

/** A number in [0, 1) from the seed and the field path. */
function unit(seed: string, path: string): number {
  return createHash('sha256').update(`${seed}\0${path}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** A string for a format, or `undefined` for a free one. */
function formatted(format: string | undefined, pick: number): string | undefined {
  switch (format) {
    case 'rfc3339': return '2024-05-20T10:00:00+08:00';
    case 'date': return '2024-05-20';
    case 'yyyyMMddHHmmss': return '20240520100000';
    case 'mm/yy': return '05/29';
    case 'url': case 'MediaUrl': return 'https://example.com/sandbox';
    case 'base64': return 'c2FuZGJveA==';
    case 'rfc2397': return 'data:,sandbox';
    case 'jsonObjectLike': return '{}';
    case 'jsonArrayLike': return '[]';
    case 'int32': case 'int64': case 'uint': case 'uint32': case 'uint64': case 'integer': case 'numeric':
      return String(1 + Math.floor(pick * 1000));
    default: return undefined;
  }
}

function text(schema: FactSchema, name: string, pick: number): string {
  // The facts' patterns all accept fourteen digits (dates, times, codes).
  let value = schema.pattern ? '20240520100000' : (formatted(schema.format, pick) ?? `${name.replace(/\W+/g, '_') || 'value'}_${Math.floor(pick * 1e6)}`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength) value = value.slice(-schema.maxLength);
  if (schema.minLength !== undefined && value.length < schema.minLength) value = value.padEnd(schema.minLength, '0');
  return value;
}

/** A value satisfying `schema`; `known` supplies values by member name (e.g. the path variables to echo). */
export function synthesize(schema: FactSchema, seed: string, path = '', known: Readonly<Record<string, unknown>> = {}, depth = 0): unknown {
  const pick = unit(seed, path);
  const name = path.replace(/^.*[.\]]/, '');
  if (schema.enum && schema.enum.length > 0) return schema.enum[Math.floor(pick * schema.enum.length)];
  switch (schema.type) {
    case 'integer': case 'number': {
      const low = schema.minimum ?? 1;
      const high = schema.maximum ?? Math.max(low, 100);
      return low + Math.floor(pick * (high - low + 1));
    }
    case 'boolean': return pick < 0.5;
    case 'array': {
      const count = Math.max(1, schema.minItems ?? 1);
      return Array.from({ length: count }, (_, index) => synthesize(schema.items ?? { type: 'string' }, seed, `${path}[${index}]`, {}, depth + 1));
    }
    case 'object': case undefined: {
      if (schema.type === undefined && !schema.properties) return text(schema, name, pick);
      const object: Record<string, unknown> = {};
      if (depth >= MAX_DEPTH) return object;
      for (const [key, member] of Object.entries(schema.properties ?? {})) {
        const given = known[key];
        // A value the request named (an out_trade_no, a sub_mchid …) is echoed when the answer's facts allow it.
        object[key] = given !== undefined && !check(member, given, key, 'answer') ? given : synthesize(member, seed, path ? `${path}.${key}` : key, {}, depth + 1);
      }
      return object;
    }
    default: return text(schema, name, pick);
  }
}
