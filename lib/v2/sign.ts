/**
 * The APIv2 `sign`: every non-empty field but `sign`, sorted by name, joined `k=v&…`, then
 * {@link Hash.sign} (which appends `&key=SECRET` and upper-cases the hex digest).
 */
import { timingSafeEqual } from 'node:crypto';
import { Hash, type HashSignType } from '../crypto/hash.js';

/** The text a `sign` covers: non-empty string and number fields but `sign`, by name, `k=v` joined with `&`. */
export function signedText(fields: Readonly<Record<string, unknown>>): string {
  return Object.keys(fields)
    .filter((name) => name !== 'sign')
    .sort()
    .flatMap((name) => {
      const value = fields[name];
      return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)) ? [`${name}=${value}`] : [];
    })
    .join('&');
}

/** The `sign` of `fields` under `secret` (the APIv2 key). */
export function signOf(type: HashSignType, fields: Readonly<Record<string, unknown>>, secret: string): string {
  return Hash.sign(type, signedText(fields), secret);
}

/** Whether `fields.sign` is the sign of the other fields, compared in constant time. */
export function verifySign(type: HashSignType, fields: Readonly<Record<string, unknown>>, secret: string): boolean {
  const given = fields.sign;
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(signOf(type, fields, secret));
  const actual = Buffer.from(given.toUpperCase());
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** `sign_type` as given (default MD5). */
export function signTypeOf(value: unknown): HashSignType | undefined {
  if (value === undefined || value === null || value === '' || value === 'MD5') return 'MD5';
  return value === 'HMAC-SHA256' ? 'HMAC-SHA256' : undefined;
}
