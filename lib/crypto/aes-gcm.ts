/**
 * AEAD_AES_256_GCM as WeChat Pay APIv3 uses it for callbacks and certificate downloads:
 * the APIv3 key (32 bytes), a nonce, associated data, and base64(ciphertext ‖ 16-byte tag).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Transform } from 'node:stream';
import { ArgumentError, WechatpayError } from '../errors.js';

const KEY_LENGTH = 32;
const TAG_LENGTH = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The APIv3 key is 32 ASCII characters; anything else would silently pick another AES variant elsewhere. */
function keyOf(key: string | Buffer, caller: string): Buffer {
  const bytes = Buffer.isBuffer(key) ? key : typeof key === 'string' ? Buffer.from(key, 'utf8') : undefined;
  if (!bytes || bytes.length !== KEY_LENGTH) {
    // Only the length is told: the key itself must never reach a message or a log.
    throw new ArgumentError('ERR_ARGUMENT', `${caller}: the key must be ${KEY_LENGTH} bytes, got ${bytes ? bytes.length : typeof key}`);
  }
  return bytes;
}

function ivOf(iv: string, caller: string): Buffer {
  if (typeof iv !== 'string' || iv.length === 0) throw new ArgumentError('ERR_ARGUMENT', `${caller}: the iv (nonce) must be a non-empty string`);
  return Buffer.from(iv, 'utf8');
}

/** AEAD_AES_256_GCM encryption and decryption, named as in wechatpay-php's `Crypto\AesGcm`. */
export const AesGcm = {
  /** Encrypts UTF-8 text and returns base64(ciphertext ‖ 16-byte tag), the shape WeChat Pay sends. */
  encrypt(plaintext: string, key: string | Buffer, iv: string, aad = ''): string {
    const cipher = createCipheriv('aes-256-gcm', keyOf(key, 'AesGcm.encrypt'), ivOf(iv, 'AesGcm.encrypt'), { authTagLength: TAG_LENGTH });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
  },

  /**
   * Decrypts base64(ciphertext ‖ tag) to UTF-8 text. The tag is always checked, so a truncated,
   * altered or wrongly keyed input throws instead of giving garbage.
   *
   * @throws ArgumentError `ERR_ARGUMENT` when the key is not 32 bytes.
   * @throws WechatpayError `ERR_DECRYPT` when the input is malformed or fails authentication.
   */
  decrypt(ciphertext: string, key: string | Buffer, iv: string, aad = ''): string {
    const secret = keyOf(key, 'AesGcm.decrypt');
    const nonce = ivOf(iv, 'AesGcm.decrypt');
    const bytes = typeof ciphertext === 'string' && BASE64.test(ciphertext) ? Buffer.from(ciphertext, 'base64') : undefined;
    if (!bytes || bytes.length < TAG_LENGTH) {
      throw new WechatpayError('ERR_DECRYPT', 'AesGcm.decrypt: the ciphertext is not base64 of at least a 16-byte tag');
    }
    const decipher = createDecipheriv('aes-256-gcm', secret, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_LENGTH));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_LENGTH)), decipher.final()]).toString('utf8');
    } catch {
      throw new WechatpayError('ERR_DECRYPT', 'AesGcm.decrypt: authentication failed (wrong key, nonce, associated data, or altered ciphertext)');
    }
  },
};

/**
 * Decrypts a stream of ciphertext ‖ 16-byte tag as it flows (an encrypted bill file): the last 16
 * bytes seen are held back as the tag, and the stream ends with {@link WechatpayError} `ERR_DECRYPT`
 * unless the tag checks out, so a truncated, altered or wrongly keyed file never ends cleanly.
 * Plaintext passes on before the tag is checked: consumers must treat the stream's error as final.
 *
 * @throws ArgumentError `ERR_ARGUMENT` when the key is not 32 bytes or the nonce is empty.
 */
export function decipherStream(key: Buffer, iv: string, aad = ''): Transform {
  const decipher = createDecipheriv('aes-256-gcm', keyOf(key, 'decipherStream'), ivOf(iv, 'decipherStream'), { authTagLength: TAG_LENGTH });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  let tail: Buffer = Buffer.alloc(0);
  return new Transform({
    highWaterMark: 64 * 1024,
    transform(chunk: Buffer, _encoding, done) {
      const bytes = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      const cut = Math.max(0, bytes.length - TAG_LENGTH);
      tail = bytes.subarray(cut);
      done(null, cut ? decipher.update(bytes.subarray(0, cut)) : undefined);
    },
    flush(done) {
      try {
        if (tail.length !== TAG_LENGTH) throw new Error('short');
        decipher.setAuthTag(tail);
        done(null, decipher.final());
      } catch {
        done(new WechatpayError('ERR_DECRYPT', 'the encrypted file does not authenticate: wrong key or nonce, or the file was cut short or altered'));
      }
    },
  });
}
