/**
 * Turns an APIv2 call (`v2/…`) into an axios request: the fields of `xml` (or `query` for GET)
 * get `nonce_str` and `sign`, and go as XML (or as the query string) to the same host without
 * the `v2` segment. The generic decorator does the rest (options, headers, timeout), so APIv2
 * calls refuse what APIv3 calls refuse.
 */
import type { ResponseType } from 'axios';
import type FormData from 'form-data';
import { decorate, type DecoratedConfig, type RequestOptions } from '../decorator.js';
import { UPLOADS, V2_UPLOAD_COMPUTED } from '../endpoints/uploads.js';
import { ArgumentError } from '../errors.js';
import type { Upload } from '../files/upload.js';
import { Formatter } from '../crypto/formatter.js';
import type { HashSignType } from '../crypto/hash.js';
import { signOf, signTypeOf } from './sign.js';
import { isDownload } from './signless.js';
import { mediaFormOf } from './upload.js';
import { buildXml } from './xml.js';

/** The options an APIv2 call takes besides the common ones. */
export interface V2Options {
  /** The request fields, sent as `<xml>…</xml>` (POST); `nonce_str` and `sign` are added. */
  xml?: Record<string, string | number | null | undefined>;
  /** For GET operations: the fields (strings and numbers), sent signed as the query string. */
  query?: RequestOptions['query'];
  /** Leave `nonce_str` out (operations that do not take one). */
  nonceless?: boolean;
  /** Mutual TLS with the client's `merchant` certificate (refunds, red packets, transfers, …). */
  security?: boolean;
}

/** What the APIv2 answer handler needs to know of its request. */
export interface V2RequestMeta {
  readonly template: string;
  readonly responseType: ResponseType;
  /** The `sign_type` the request was signed with; the answer's `sign` must use it too. */
  readonly signType: HashSignType;
  /** An upload's form, built (file read and hashed, fields signed) when the request goes out. */
  readonly form?: () => Promise<FormData>;
}

/** An axios request config of an APIv2 call. */
export interface V2DecoratedConfig extends DecoratedConfig {
  wechatpay: V2RequestMeta;
}

/** What an APIv2 request needs from the client. */
export interface V2Context {
  /** The client's `mchid`, when it has one: `mch_id` in `xml` must equal it. */
  mchid: string | undefined;
  /** The APIv2 key. */
  secret: string;
}

/** The fields to sign: values kept as given, `undefined`/`null` dropped, anything else refused. */
function fieldsOf(input: unknown, option: string): Record<string, string | number> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ArgumentError('ERR_OPTIONS', `"${option}" must be an object of strings and numbers`);
  const fields: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) fields[name] = value;
    else throw new ArgumentError('ERR_OPTIONS', `${option} "${name}" must be a string or a finite number${typeof value === 'object' ? ' (JSON fields such as "detail" go as JSON.stringify(…))' : ''}`);
  }
  return fields;
}

/**
 * Builds the axios config of an APIv2 call. Throws an {@link ArgumentError} on bad input, before anything is sent.
 */
export function decorateV2(method: string, template: string, options: RequestOptions & V2Options = {}, context: V2Context): V2DecoratedConfig {
  if (options === null || typeof options !== 'object') throw new ArgumentError('ERR_OPTIONS', `options of ${method.toUpperCase()} ${template} must be an object`);
  const { xml, query, nonceless, security: _security, json, body, headers, upload, ...rest } = options;
  if (json !== undefined || body !== undefined) throw new ArgumentError('ERR_OPTIONS', `APIv2 calls send "xml" (or "query" for GET), not "${json !== undefined ? 'json' : 'body'}"`);
  const get = method.toLowerCase() === 'get';
  if (!get && query !== undefined) throw new ArgumentError('ERR_OPTIONS', `${method.toUpperCase()} ${template} sends its fields in "xml", not "query"`);
  if (upload !== undefined && get) throw new ArgumentError('ERR_OPTIONS', `GET ${template} cannot send an "upload"`);
  // An upload's text fields are optional (`mch_id` is the client's, `sign_type` MD5 by default).
  if (upload === undefined && (get ? xml !== undefined : xml === undefined)) {
    throw new ArgumentError('ERR_OPTIONS', get ? `GET ${template} sends its fields as "query", not "xml"` : `${method.toUpperCase()} ${template} needs its fields in "xml"`);
  }
  const fields = fieldsOf(get ? (query ?? {}) : (xml ?? {}), get ? 'query' : 'xml');
  const mchId = fields.mch_id ?? fields.mchid ?? fields.combine_mch_id;
  if (context.mchid !== undefined && mchId !== undefined && String(mchId) !== context.mchid) {
    throw new ArgumentError('ERR_CONFIG', `the mch_id in "xml" (${String(mchId)}) is not the client's mchid (${context.mchid})`);
  }
  const signType = signTypeOf(fields.sign_type);
  if (signType === undefined) throw new ArgumentError('ERR_OPTIONS', 'xml "sign_type" must be MD5 or HMAC-SHA256');
  const form = upload === undefined ? undefined : mediaForm(template, upload, fields, signType, context);
  if (form === undefined) {
    if (!nonceless && fields.nonce_str === undefined) fields.nonce_str = Formatter.nonce();
    fields.sign = signOf(signType, fields, context.secret);
  }

  const decorated = decorate(method, template.replace(/^v2\//, ''), {
    ...rest,
    ...(form ? {} : get ? { query: fields } : { body: buildXml(fields) }),
    headers: { Accept: 'text/xml, text/plain, application/x-gzip', ...(get || form ? {} : { 'Content-Type': 'text/xml; charset=utf-8' }), ...headers },
  });
  return {
    // A bill is as large as it is; other answers keep the cap.
    ...(isDownload(template) && rest.maxContentLength === undefined ? { maxContentLength: -1 } : {}),
    ...decorated,
    wechatpay: { template, responseType: decorated.wechatpay.responseType, signType, ...(form ? { form } : {}) },
  };
}

/** The form builder of an APIv2 upload: its text fields completed (`mch_id`, `sign_type`), the file under the facts' field. */
function mediaForm(template: string, upload: Upload, fields: Record<string, string | number>, signType: HashSignType, context: V2Context): () => Promise<FormData> {
  const field = UPLOADS[template]?.field;
  if (field === undefined) throw new ArgumentError('ERR_OPTIONS', `${template} takes no "upload"`);
  if (upload.fields !== undefined) throw new ArgumentError('ERR_OPTIONS', 'an APIv2 upload\'s text fields go in "xml", not "upload.fields"');
  // Nothing of an APIv2 upload carries a meta JSON: given, it would be dropped unsent.
  if (upload.meta !== undefined) throw new ArgumentError('ERR_OPTIONS', 'an APIv2 upload has no "upload.meta": its text fields go in "xml"');
  for (const computed of V2_UPLOAD_COMPUTED) {
    if (fields[computed] !== undefined) throw new ArgumentError('ERR_OPTIONS', `xml "${computed}" ${computed === 'nonce_str' ? 'is not a field of an upload' : 'is computed by the client'}`);
  }
  const mchId = fields.mch_id ?? context.mchid;
  if (mchId === undefined) throw new ArgumentError('ERR_OPTIONS', `${template} needs "mch_id": set config.mchid or give xml.mch_id`);
  return mediaFormOf(upload, field, { ...fields, mch_id: mchId, sign_type: signType }, signType, context.secret);
}
