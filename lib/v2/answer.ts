/**
 * The APIv2 answer handler: the body is parsed (DOCTYPE and entities refused), its `sign` verified
 * with the request's sign type unless the operation is signless by design, and a `return_code` or
 * `result_code` other than `SUCCESS` becomes an {@link ApiError}. Files come as text, or bytes when gzipped.
 */
import type { AxiosResponse } from 'axios';
import { ApiError, VerificationError } from '../errors.js';
import { bodyAs, headerOf, rawOf } from '../verifier.js';
import type { V2DecoratedConfig } from './request.js';
import { verifySign } from './sign.js';
import { isSignless } from './signless.js';
import { parseXml, type XmlFields } from './xml.js';

const GZIP = Buffer.of(0x1f, 0x8b);


/** `return_code` / `result_code` not `SUCCESS` → {@link ApiError} with WeChat Pay's code and message, the fields as `detail`. */
function failureOf(fields: XmlFields, response: AxiosResponse): ApiError | undefined {
  const text = (name: string) => (typeof fields[name] === 'string' && fields[name] !== '' ? (fields[name] as string) : undefined);
  const returnCode = text('return_code');
  const resultCode = text('result_code');
  if (returnCode === 'SUCCESS' && (resultCode === undefined || resultCode === 'SUCCESS')) return undefined;
  const returnFailed = returnCode !== 'SUCCESS';
  return new ApiError({
    status: response.status,
    code: (returnFailed ? undefined : text('err_code') ?? text('error_code')) ?? returnCode ?? 'FAIL',
    message: (returnFailed ? undefined : text('err_code_des') ?? text('error_code_des')) ?? text('return_msg') ?? text('result_msg') ?? `${returnFailed ? 'return_code' : 'result_code'} is not SUCCESS`,
    detail: fields,
    requestId: headerOf(response.headers, 'Request-ID'),
  });
}

/** The verified answer's `data` in the form the caller asked for. */
function handedOver(raw: Buffer, fields: XmlFields, responseType: string): unknown {
  if (responseType === 'arraybuffer') return raw;
  return responseType === 'text' ? raw.toString('utf8') : fields;
}


/**
 * Whether the body is an APIv2 message, `<xml>…` (a bill is CSV-like text or gzip bytes and its
 * failure XML; an entrustweb page is HTML, handed over as text and never parsed here).
 */
function looksLikeXml(raw: Buffer): boolean {
  return /^\s*(?:<\?xml[^>]*\?>\s*)?<xml[\s>]/.test(raw.subarray(0, 128).toString('utf8'));
}

/**
 * The APIv2 response interceptor (2xx or not: WeChat Pay answers APIv2 failures with 200 and `FAIL`).
 *
 * @throws VerificationError `ERR_RESPONSE_XML` (not XML, DOCTYPE, entity), `ERR_RESPONSE_SIGNATURE` (no or wrong `sign`).
 * @throws ApiError for a non-2xx status or a `FAIL` answer.
 */
export function v2Answer(secret: string) {
  return (response: AxiosResponse): AxiosResponse => {
    const { template, responseType, signType } = (response.config as V2DecoratedConfig).wechatpay;
    const raw = rawOf(response);
    const context = { status: response.status, requestId: headerOf(response.headers, 'Request-ID') };
    const ok = response.status >= 200 && response.status < 300;
    if (isSignless(template) && ok && !looksLikeXml(raw)) {
      // A file (or a JSON answer such as appauth/getaccesstoken): nothing to verify.
      const file = responseType === 'arraybuffer' || raw.subarray(0, 2).equals(GZIP);
      const json = /json/i.test(headerOf(response.headers, 'Content-Type') ?? '');
      return { ...response, data: file ? raw : json ? bodyAs(raw, responseType) : raw.toString('utf8') };
    }
    let fields: XmlFields;
    try {
      fields = parseXml(raw.toString('utf8'));
    } catch (error) {
      if (!ok) throw new ApiError({ status: response.status, code: `HTTP_${response.status}`, message: `WeChat Pay answered ${response.status}`, requestId: context.requestId });
      throw new VerificationError('ERR_RESPONSE_XML', (error as Error).message, context);
    }
    const returned = fields.return_code === 'SUCCESS';
    // Only answers with return_code SUCCESS are signed; the others are failures anyway.
    if (returned && ok && !isSignless(template)) {
      if (typeof fields.sign !== 'string') throw new VerificationError('ERR_RESPONSE_SIGNATURE', `the answer of ${template} carries no sign`, context);
      if (!verifySign(signType, fields, secret)) throw new VerificationError('ERR_RESPONSE_SIGNATURE', `the answer's ${signType} sign does not verify with the APIv2 key`, context);
    }
    const failure = failureOf(fields, response);
    if (failure) throw failure;
    if (!ok) throw new ApiError({ status: response.status, code: `HTTP_${response.status}`, message: `WeChat Pay answered ${response.status}`, detail: fields, requestId: context.requestId });
    return { ...response, data: handedOver(raw, fields, responseType) };
  };
}
