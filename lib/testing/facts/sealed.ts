/**
 * The sandbox's reading of encrypted request fields, as WeChat Pay's: where a request carries one
 * (a field the generated table lists, present in this request), `Wechatpay-Serial` must name the
 * platform key, and every such field must open under it (RSA-OAEP); where it carries none, the
 * header is not needed.
 */
import type { KeyObject } from 'node:crypto';
import { Rsa } from '../../crypto/rsa.js';
import { findSealed, sealedPlaces, type SealedRoot } from '../../crypto/sealed-fields.js';
import type { Violation } from './validate.js';

/** The platform key that encrypted fields are sealed under, and the id `Wechatpay-Serial` names it by. */
export interface SealingKey {
  readonly id: string;
  readonly privateKey: KeyObject;
}

const LOCATION: Record<SealedRoot, string> = { json: 'body', meta: 'body', query: 'query', response: 'body' };

/** The first problem with an operation's encrypted fields in this request, or undefined when there is none. */
export function checkSealedFields(template: string, method: string, roots: Partial<Record<SealedRoot, unknown>>, headers: Headers, platform: SealingKey): Violation | undefined {
  const places = sealedPlaces(template, method, 'request');
  if (places.length === 0) return undefined;
  let named = false;
  return findSealed<Violation>(places, roots, (value, field, root) => {
    if (!named) {
      const serial = headers.get('Wechatpay-Serial');
      if (!serial) return { field: 'Wechatpay-Serial', location: 'header', message: `Wechatpay-Serial is required: ${field} is encrypted` };
      if (serial !== platform.id) return { field: 'Wechatpay-Serial', location: 'header', message: `Wechatpay-Serial ${serial} names no platform key of this merchant` };
      named = true;
    }
    try {
      if (typeof value !== 'string') throw new TypeError('not text');
      Rsa.decrypt(value, platform.privateKey);
      return undefined;
    } catch {
      return { field, location: LOCATION[root], message: `${field} is not a ciphertext under the platform key ${platform.id} (RSA-OAEP)` };
    }
  });
}
