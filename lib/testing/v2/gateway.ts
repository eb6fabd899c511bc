/**
 * The sandbox's APIv2 core: one request in (path below the base URL, body, whether a client
 * certificate was verified), one answer out. It checks `mch_id`, `nonce_str`, `sign_type` and the
 * `sign` as WeChat Pay does, runs the operation, and signs the answer with the request's sign type.
 */
import { randomBytes } from 'node:crypto';
import { MEDIA_UPLOAD, uploadMedia } from './media.js';
import { readForm, type ReadForm } from '../upload.js';
import { operations, type OperationContext } from './operations.js';
import { readXml, sign, writeXml, type Fields, type SignType } from './protocol.js';
import type { V2State } from './state.js';

/** A request as the core sees it. */
export interface V2GatewayRequest {
  method: string;
  /** The path below the base URL, e.g. `pay/micropay`. */
  path: string;
  body: Buffer;
  /** Whether the connection presented a client certificate the server verified (mutual TLS). */
  clientCertificate: boolean;
  /** A multipart body, read (`null`: it did not parse); absent for XML. */
  form?: ReadForm | null;
}

/** The core's answer. */
export interface V2GatewayAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What the core needs. */
export interface V2GatewayConfig {
  mchid: string;
  appid: string;
  /** The APIv2 key, read per request. */
  secret: () => string;
  state: V2State;
  userPayingMs: number;
}

const APIV3 = /^(v3|hk|global|sandbox)\//;

/** Whether a path below the base URL is an APIv2 one (`pay/micropay`), not an APIv3 tree's or a control route's. */
export function isV2Path(path: string): boolean {
  return !APIV3.test(path);
}

/** A request as read off the wire, its multipart form (if any) read too (the in-process and the server paths share it). */
export async function v2Request(method: string, path: string, contentType: string | null, body: Buffer, clientCertificate: boolean): Promise<V2GatewayRequest> {
  const form = await readForm(contentType, body);
  return { method, path, body, clientCertificate, ...(form === undefined ? {} : { form }) };
}

/** The core's answer to an in-process request (no TLS), as a Fetch `Response`. */
export async function v2Response(core: (request: V2GatewayRequest) => V2GatewayAnswer, method: string, path: string, contentType: string | null, body: Buffer): Promise<Response> {
  const answer = core(await v2Request(method, path, contentType, body, false));
  return new Response(new Uint8Array(answer.body), { status: answer.status, headers: answer.headers });
}

const XML_TYPE = 'text/xml; charset=utf-8';
const xmlAnswer = (fields: Record<string, string | number>, status = 200): V2GatewayAnswer => ({ status, headers: { 'Content-Type': XML_TYPE }, body: Buffer.from(writeXml(fields)) });
const fail = (message: string, status = 200) => xmlAnswer({ return_code: 'FAIL', return_msg: message }, status);

/** Builds the core over `config.state`. */
export function createV2Gateway(config: V2GatewayConfig): (request: V2GatewayRequest) => V2GatewayAnswer {
  const served = operations(config.mchid);
  return ({ method, path, body, clientCertificate, form }) => {
    const operation = path === MEDIA_UPLOAD ? (_fields: Fields, context: OperationContext) => uploadMedia(form!, context) : served.get(path);
    if (!operation) return fail(`no such operation: ${path}`, 404);
    if (method !== 'POST') return fail('POST only', 405);
    // The one multipart operation; every other one takes XML.
    if ((path === MEDIA_UPLOAD) !== (form !== undefined)) return fail(form === undefined ? 'multipart/form-data expected' : 'XML expected');
    const fields = form === undefined ? readXml(body.toString('utf8')) : form?.fields;
    if (!fields) return fail(form === undefined ? 'XML format error' : 'multipart format error');
    if (fields.mch_id !== config.mchid) return fail('mch_id mismatch');
    // An upload's form has no nonce_str: media_hash makes each one distinct.
    if (!fields.nonce_str && form === undefined) return fail('nonce_str missing');
    const signType = (fields.sign_type ?? 'MD5') as SignType;
    if (signType !== 'MD5' && signType !== 'HMAC-SHA256') return fail('sign_type invalid');
    const secret = config.secret();
    if (fields.sign !== sign(fields, signType, secret)) return fail('签名错误');

    const context: OperationContext = { state: config.state, signType, clientCertificate, userPayingMs: config.userPayingMs };
    const outcome = operation(fields, context);
    if ('file' in outcome) return { status: 200, headers: { 'Content-Type': outcome.contentType }, body: outcome.file };
    if ('fail' in outcome) return xmlAnswer(outcome.fail);
    const answer: Record<string, string | number> = {
      return_code: 'SUCCESS', return_msg: 'OK', appid: fields.appid ?? config.appid, mch_id: config.mchid,
      nonce_str: randomBytes(8).toString('hex'),
      ...('error' in outcome ? { result_code: 'FAIL', err_code: outcome.error, err_code_des: outcome.description } : { result_code: 'SUCCESS', ...outcome.fields }),
    };
    return xmlAnswer({ ...answer, sign: sign(answer, signType, secret) });
  };
}
