/**
 * APIv2 callbacks (回调通知) arrive as XML. A pay result carries a `sign` over its fields; a refund
 * result carries none, its `req_info` being AES-256-ECB ciphertext under the lower-case hex MD5 of
 * the APIv2 key, so only the holder of the key could have made it.
 */
import { createDecipheriv } from 'node:crypto';
import { Hash } from '../crypto/hash.js';
import { VerificationError, WechatpayError } from '../errors.js';
import { signTypeOf, verifySign } from './sign.js';
import { buildXml, parseXml, type XmlFields } from './xml.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The `req_info` key: the APIv2 key's MD5, lower-case hex (32 bytes). */
function refundKeyOf(secret: string): Buffer {
  return Buffer.from(Hash.md5(secret), 'utf8');
}

function decryptReqInfo(reqInfo: unknown, secret: string): XmlFields {
  const bytes = typeof reqInfo === 'string' && reqInfo !== '' && BASE64.test(reqInfo) ? Buffer.from(reqInfo, 'base64') : undefined;
  if (!bytes || bytes.length % 16 !== 0) throw new WechatpayError('ERR_DECRYPT', 'callback: req_info is not base64 of AES blocks');
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-ecb', refundKeyOf(secret), null);
    plaintext = Buffer.concat([decipher.update(bytes), decipher.final()]).toString('utf8');
  } catch {
    throw new WechatpayError('ERR_DECRYPT', 'callback: req_info does not decrypt with the APIv2 key (wrong key or altered ciphertext)');
  }
  try {
    return parseXml(plaintext, 'the decrypted req_info');
  } catch {
    // Garbage that happened to end in valid padding: the key was not the one it was made with.
    throw new WechatpayError('ERR_DECRYPT', 'callback: req_info does not decrypt to XML with the APIv2 key');
  }
}

/**
 * Reads an APIv2 callback: a refund's `req_info` decrypted and put back in place as an object; any
 * other callback's `sign` verified (with its `sign_type`, MD5 by default).
 *
 * @throws VerificationError `ERR_RESPONSE_XML` for a body that is not plain XML, `ERR_NOTIFICATION` for a missing or wrong sign (the contract's code for a callback).
 * @throws WechatpayError `ERR_DECRYPT` for a `req_info` that does not decrypt.
 */
export function readV2Notification(raw: string | Buffer, secret: string): XmlFields {
  const fields = parseXml(Buffer.isBuffer(raw) ? raw.toString('utf8') : raw, 'the callback');
  if (fields.req_info !== undefined) return Object.assign(fields, { req_info: decryptReqInfo(fields.req_info, secret) });
  // Without sign_type, the sign's length tells: 64 hex digits for HMAC-SHA256, 32 for MD5.
  const type = signTypeOf(fields.sign_type ?? (typeof fields.sign === 'string' && fields.sign.length === 64 ? 'HMAC-SHA256' : 'MD5'));
  if (typeof fields.sign !== 'string' || type === undefined || !verifySign(type, fields, secret)) {
    throw new VerificationError('ERR_NOTIFICATION', 'callback: its sign is missing or does not verify with the APIv2 key');
  }
  return fields;
}

/** The XML reply WeChat Pay expects: `SUCCESS`/`OK`, or `FAIL` with a message (it then retries). */
export function v2ReplyBody(success: boolean, message = success ? 'OK' : 'FAIL'): string {
  return buildXml({ return_code: success ? 'SUCCESS' : 'FAIL', return_msg: message });
}
