/**
 * `Sealed`: the type of a field WeChat Pay takes (or gives) only as an RSA-OAEP ciphertext, such as
 * a transfer's `user_name`. A plain `string` there is a compile error whose message says what to
 * call; at run time the client refuses anything that cannot be such a ciphertext before sending.
 */
import { ArgumentError } from '../errors.js';
import { strictBase64 } from './rsa.js';

/**
 * An RSA-OAEP ciphertext, base64: what `wxpay.encrypt()` and `Rsa.encrypt()` return, and what
 * `Sealed.from()` lets in after checking it. The brand's name is the message a user meets when a
 * clear-text `string` stands where WeChat Pay wants a ciphertext.
 */
export type Sealed = string & { readonly 'Sealed: encrypt it with wxpay.encrypt(plaintext), or check a ciphertext with Sealed.from(text)': true };

/** The size of an RSA-OAEP ciphertext under a WeChat Pay key (RSA-2048), in bytes. */
export const SEALED_BYTES = 256;

/**
 * Whether `value` can be an RSA-OAEP ciphertext of `bytes` bytes: strict base64 (no junk, no line
 * breaks) decoding to exactly that many bytes. Anything else, clear text above all, cannot.
 */
export function isSealed(value: unknown, bytes = SEALED_BYTES): value is Sealed {
  return typeof value === 'string' && value.length === Math.ceil(bytes / 3) * 4 && strictBase64(value)?.length === bytes;
}

/** What a value that is not a ciphertext is, in words that never quote it. */
export function describeUnsealed(value: unknown, bytes = SEALED_BYTES): string {
  if (typeof value !== 'string') return `a ${value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value}, not a base64 string`;
  const decoded = strictBase64(value);
  return decoded ? `base64 of ${decoded.length} bytes, where an RSA-${bytes * 8} ciphertext has ${bytes}` : `text of ${[...value].length} characters that is not base64 (clear text?)`;
}

/** The one checked door for a ciphertext made elsewhere (another service, a stored value). */
export const Sealed = {
  /**
   * Lets a ciphertext in as `Sealed` after checking it can be one for an RSA key of `bits` bits
   * (2048 for every WeChat Pay key: 344 base64 characters). It cannot tell which key sealed it.
   *
   * @throws ArgumentError `ERR_CIPHERTEXT` when it cannot be such a ciphertext; the value is never quoted.
   */
  from(text: string, bits = SEALED_BYTES * 8): Sealed {
    if (!Number.isInteger(bits) || bits < 1024 || bits % 8 !== 0) throw new ArgumentError('ERR_ARGUMENT', 'Sealed.from: bits must be an RSA key size such as 2048');
    if (!isSealed(text, bits / 8)) throw new ArgumentError('ERR_CIPHERTEXT', `Sealed.from: ${describeUnsealed(text, bits / 8)}; encrypt clear text with wxpay.encrypt(plaintext)`);
    return text;
  },
};
