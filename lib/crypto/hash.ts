/**
 * APIv2 signature helpers, with wechatpay-php's `Crypto\Hash` semantics: the merchant key is
 * appended as `&key=…` before hashing, and {@link Hash.sign} upper-cases the hex digest.
 */
import { createHash, createHmac } from 'node:crypto';
import { ArgumentError } from '../errors.js';

/** The APIv2 `sign_type` values. */
export type HashSignType = 'MD5' | 'HMAC-SHA256';

/** MD5 and HMAC helpers for APIv2 `sign` fields. */
export const Hash = {
  /** The `MD5` sign type. */
  ALGO_MD5: 'MD5' as const,
  /** The `HMAC-SHA256` sign type. */
  ALGO_HMAC_SHA256: 'HMAC-SHA256' as const,

  /**
   * Lower-case hex MD5 of `thing`, followed by `&key=` + `key` when a key is given (plain MD5
   * otherwise). With `agency` truthy (WeWork payments) the suffix is `&secret=` instead.
   */
  md5(thing: string | Buffer, key = '', agency: boolean | number | string = false): string {
    const hash = createHash('md5').update(thing);
    if (key) hash.update(agency ? '&secret=' : '&key=').update(key);
    return hash.digest('hex');
  },

  /** Lower-case hex HMAC of `thing` + `&key=` + `key`, keyed with `key`; `algorithm` defaults to `sha256`. */
  hmac(thing: string | Buffer, key: string, algorithm = 'sha256'): string {
    return createHmac(algorithm, key).update(thing).update('&key=').update(key).digest('hex');
  },

  /**
   * The APIv2 `sign` value: upper-case hex of {@link Hash.md5} or {@link Hash.hmac} over `data` with `key`.
   *
   * @throws ArgumentError `ERR_ARGUMENT` for another `type` (wechatpay-php returns null there).
   */
  sign(type: HashSignType, data: string | Buffer, key: string): string {
    if (type === 'MD5') return Hash.md5(data, key).toUpperCase();
    if (type === 'HMAC-SHA256') return Hash.hmac(data, key).toUpperCase();
    throw new ArgumentError('ERR_ARGUMENT', 'Hash.sign: type must be MD5 or HMAC-SHA256');
  },
};
