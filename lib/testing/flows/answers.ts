/**
 * What every flow needs to read a request and answer it as WeChat Pay does: a refusal that
 * carries its answer, field readers that name the bad field (`detail.field`, `detail.location`),
 * and the codes WeChat Pay documents for the payment, refund, transfer and profit-sharing APIs.
 */
import type { Answer } from '../endpoints.js';

/** A JSON object as received. */
export type Json = Record<string, unknown>;

/** Thrown by a flow to stop with a documented error; the router turns it into its answer. */
export class Refusal extends Error {
  readonly answer: Answer;

  constructor(status: number, code: string, message: string, detail?: { field: string; location: string }) {
    super(message);
    this.answer = { status, body: detail ? { code, message, detail } : { code, message } };
  }
}

/** `400 PARAM_ERROR` naming the field and where it sits. */
export const paramError = (field: string, message: string, location = 'body') => new Refusal(400, 'PARAM_ERROR', message, { field, location });

/** The documented business errors the flows answer with (code, status, WeChat Pay's short label). */
export const ERRORS = {
  /** A request that breaks a rule of the API (duplicate number with other content, over-refund …). */
  INVALID_REQUEST: [400, 'INVALID_REQUEST'],
  ORDER_NOT_EXIST: [404, 'ORDER_NOT_EXIST'],
  ORDER_CLOSED: [400, 'ORDER_CLOSED'],
  ORDERPAID: [400, 'ORDERPAID'],
  RESOURCE_NOT_EXISTS: [404, 'RESOURCE_NOT_EXISTS'],
  NOT_FOUND: [404, 'NOT_FOUND'],
  NOT_ENOUGH: [403, 'NOT_ENOUGH'],
  NO_STATEMENT_EXIST: [400, 'NO_STATEMENT_EXIST'],
} as const;

/** A refusal with one of {@link ERRORS}. */
export function refuse(error: keyof typeof ERRORS, message: string): Refusal {
  const [status, code] = ERRORS[error];
  return new Refusal(status, code, message);
}

/** The body as a JSON object, or `400 PARAM_ERROR`. */
export function jsonBody(body: Buffer): Json {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw paramError('body', 'the body is not valid JSON');
  }
  if (!isObject(json)) throw paramError('body', 'the body must be a JSON object');
  return json;
}

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads `name` (dotted below `prefix`) from `object`, as WeChat Pay's parameter check does. */
export class Fields {
  constructor(readonly object: Json, readonly prefix = '', readonly location = 'body') {}

  #name(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  #missing(name: string): Refusal {
    return paramError(this.#name(name), `${this.#name(name)} is required`, this.location);
  }

  /** A non-empty string of at most `max` characters. */
  text(name: string, max = 256): string {
    const value = this.optionalText(name, max);
    if (value === undefined) throw this.#missing(name);
    return value;
  }

  optionalText(name: string, max = 256): string | undefined {
    const value = this.object[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw paramError(this.#name(name), `${this.#name(name)} must be a string`, this.location);
    if (value === '') throw this.#missing(name);
    if ([...value].length > max) throw paramError(this.#name(name), `${this.#name(name)} is longer than ${max} characters`, this.location);
    return value;
  }

  /** One of `values`; `fallback` when absent (required when there is none). */
  oneOf<T extends string>(name: string, values: readonly T[], fallback?: T): T {
    const value = fallback === undefined ? this.text(name) : (this.optionalText(name) ?? fallback);
    if (!values.includes(value as T)) throw paramError(this.#name(name), `${this.#name(name)} must be one of ${values.join(', ')}`, this.location);
    return value as T;
  }

  /** An integer of at least `min`. */
  integer(name: string, min = 1): number {
    const value = this.object[name];
    if (value === undefined || value === null) throw this.#missing(name);
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw paramError(this.#name(name), `${this.#name(name)} must be an integer`, this.location);
    if (value < min) throw paramError(this.#name(name), `${this.#name(name)} must be at least ${min}`, this.location);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.object[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw paramError(this.#name(name), `${this.#name(name)} must be a boolean`, this.location);
    return value;
  }

  /** A nested object, read by its own {@link Fields}. */
  nested(name: string, required = true): Fields | undefined {
    const value = this.object[name];
    if (value === undefined || value === null) {
      if (required) throw this.#missing(name);
      return undefined;
    }
    if (!isObject(value)) throw paramError(this.#name(name), `${this.#name(name)} must be an object`, this.location);
    return new Fields(value, this.#name(name), this.location);
  }

  /** A non-empty array of objects, each read by its own {@link Fields}. */
  list(name: string, max = 50): Fields[] {
    const value = this.object[name];
    if (value === undefined || value === null) throw this.#missing(name);
    if (!Array.isArray(value) || value.length === 0) throw paramError(this.#name(name), `${this.#name(name)} must be a non-empty array`, this.location);
    if (value.length > max) throw paramError(this.#name(name), `${this.#name(name)} holds more than ${max} items`, this.location);
    return value.map((item, index) => {
      if (!isObject(item)) throw paramError(`${this.#name(name)}[${index}]`, `${this.#name(name)}[${index}] must be an object`, this.location);
      return new Fields(item, `${this.#name(name)}[${index}]`, this.location);
    });
  }
}

/** The query string read as fields (`location: 'query'`). */
export const queryFields = (query: URLSearchParams) => new Fields(Object.fromEntries(query), '', 'query');

/** `amount` as WeChat Pay checks it: `total` a positive integer of fen, `currency` CNY. */
export function amountOf(fields: Fields, name = 'amount', totalName = 'total'): { total: number; currency: 'CNY' } {
  const amount = fields.nested(name)!;
  const total = amount.integer(totalName, 1);
  amount.oneOf('currency', ['CNY'], 'CNY');
  return { total, currency: 'CNY' };
}

/** One path segment, decoded, or `400 PARAM_ERROR` naming the path variable. */
export function pathValue(raw: string, name: string): string {
  try {
    const value = decodeURIComponent(raw);
    if (value) return value;
  } catch {
    // falls through to the refusal
  }
  throw paramError(name, `${name} is not a well-encoded path value`, 'path');
}

/** Runs a flow's handler, turning a {@link Refusal} into its answer. */
export function answering(run: () => Answer): Answer {
  try {
    return run();
  } catch (error) {
    if (error instanceof Refusal) return error.answer;
    throw error;
  }
}
