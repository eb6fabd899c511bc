import type { KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AxiosResponse } from 'axios';
import { ApiError, VerificationError, WechatpayError } from './errors.js';
import { transportErrorOf } from './transport/codes.js';

export { cleanCopy } from './transport/codes.js';
import { Formatter } from './crypto/formatter.js';
import { Rsa } from './crypto/rsa.js';
import type { DecoratedConfig } from './decorator.js';
import { isUnsigned } from './files/unsigned.js';

export { UNSIGNED_PATHS, isUnsigned } from './files/unsigned.js';

/** How far a signed answer's timestamp may be from the local clock, in seconds. */
export const MAX_CLOCK_SKEW = 300;

/** Signatures WeChat Pay sends to probe whether a client really verifies; never valid. */
const PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

/** Headers in any of the shapes Node, Fetch and axios give them. */
export type HeaderSource = Headers | Record<string, unknown> | { get(name: string): unknown };

/** One header's value, matched case-insensitively; arrays give their first value. */
export function headerOf(headers: HeaderSource, name: string): string | undefined {
  let value: unknown;
  // Node (and axios after it) keeps names lowercase: a plain property read finds them at once.
  const lower = name.toLowerCase();
  if (Object.hasOwn(headers, lower)) value = (headers as Record<string, unknown>)[lower];
  else if (typeof (headers as Headers).get === 'function') value = (headers as Headers).get(name);
  else {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === lower);
    value = key === undefined ? undefined : (headers as Record<string, unknown>)[key];
  }
  if (Array.isArray(value)) value = value[0];
  return value === undefined || value === null ? undefined : String(value);
}

/** Context of a verification, for the error it may raise; `requestId` is read from the headers when not given. */
interface VerifyContext {
  status?: number | undefined;
  requestId?: string | undefined;
}

/**
 * Verifies a signed message from WeChat Pay (an answer or a callback) over its raw body:
 * the four `Wechatpay-*` headers, the clock within {@link MAX_CLOCK_SKEW}, a known serial,
 * and the RSA-SHA256 signature. Throws a {@link VerificationError}; fails closed.
 */
export function verifySigned(headers: HeaderSource, body: Buffer, keys: ReadonlyMap<string, KeyObject>, context: VerifyContext = {}): void {
  // Built on failure only: an answer that verifies allocates nothing here.
  const fail = (code: VerificationError['code'], message: string): never => {
    throw new VerificationError(code, message, { status: context.status, requestId: context.requestId ?? headerOf(headers, 'Request-ID') });
  };
  const timestamp = headerOf(headers, 'Wechatpay-Timestamp');
  const nonce = headerOf(headers, 'Wechatpay-Nonce');
  const signature = headerOf(headers, 'Wechatpay-Signature');
  const serial = headerOf(headers, 'Wechatpay-Serial');
  if (!timestamp || !nonce || !signature || !serial) {
    const missing = Object.entries({ Timestamp: timestamp, Nonce: nonce, Signature: signature, Serial: serial }).filter(([, value]) => !value).map(([name]) => `Wechatpay-${name}`);
    fail('ERR_RESPONSE_HEADERS', `the answer lacks ${missing.join(', ')}`);
  }
  if (!/^\d{1,12}$/.test(timestamp!) || Math.abs(Formatter.timestamp() - Number(timestamp)) > MAX_CLOCK_SKEW) {
    fail('ERR_RESPONSE_TIMESTAMP', `Wechatpay-Timestamp ${JSON.stringify(timestamp)} is more than ${MAX_CLOCK_SKEW}s from the local clock`);
  }
  if (signature!.startsWith(PROBE_PREFIX)) fail('ERR_SIGNATURE_PROBE', 'the answer carries a signature probe (WECHATPAY/SIGNTEST/), which is never valid');
  const key = keys.get(serial!);
  if (!key) fail('ERR_RESPONSE_SERIAL', `Wechatpay-Serial ${JSON.stringify(serial)} is not among the configured certs`);
  if (!Rsa.verify(Formatter.response(timestamp!, nonce!, body), signature!, key!)) {
    fail('ERR_RESPONSE_SIGNATURE', `the answer's signature does not verify with ${serial}`);
  }
}

/** Hands a verified body over in the form the caller asked for (JSON parsed when it is JSON). */
export function bodyAs(raw: Buffer, responseType: string): unknown {
  if (responseType === 'arraybuffer') return raw;
  const text = raw.toString('utf8');
  if (responseType === 'text' || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The raw bytes of an answer (a streamed download has none here). */
export function rawOf(response: AxiosResponse): Buffer {
  return Buffer.isBuffer(response.data) ? response.data : Buffer.alloc(0);
}

/** The body of an error answer that came as a stream, up to 64 KiB (WeChat Pay's are a few hundred bytes). */
async function errorBodyOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= 64 * 1024) break;
    }
  } catch {
    // What arrived is all there is to judge.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

function apiErrorOf(response: AxiosResponse<Buffer>): ApiError {
  const parsed = bodyAs(rawOf(response), 'json');
  const fields = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  return new ApiError({
    status: response.status,
    code: typeof fields.code === 'string' ? fields.code : `HTTP_${response.status}`,
    message: typeof fields.message === 'string' ? fields.message : `WeChat Pay answered ${response.status}`,
    detail: fields.detail,
    requestId: headerOf(response.headers, 'Request-ID'),
  });
}

/**
 * The response interceptor pair: a 2xx answer is verified over its raw bytes and only then
 * parsed; anything else becomes an {@link ApiError}; a request that got no answer becomes a
 * {@link TransportError}.
 */
export function verifier(keys: ReadonlyMap<string, KeyObject>) {
  return {
    onFulfilled(response: AxiosResponse<Buffer>): AxiosResponse {
      const { status, config } = response;
      if (status < 200 || status >= 300) {
        // A download's error answer arrives as a stream: its (small) JSON is read before it is judged.
        const data: unknown = response.data;
        // (axios awaits what an interceptor returns, so a rejected promise stands for the throw.)
        if (data instanceof Readable) return errorBodyOf(data).then((raw) => Promise.reject(apiErrorOf({ ...response, data: raw }))) as never;
        throw apiErrorOf(response);
      }
      const responseType = (config as unknown as DecoratedConfig).wechatpay?.responseType ?? 'json';
      // The request-target as sent is already normalised: its path is everything before `?`.
      const sent: unknown = response.request?.path;
      const mark = typeof sent === 'string' ? sent.indexOf('?') : -1;
      const pathname = typeof sent === 'string' ? (mark === -1 ? sent : sent.slice(0, mark)) : new URL(config.url ?? '', 'http://localhost').pathname;
      const body = rawOf(response);
      if (isUnsigned(pathname)) {
        if (responseType !== 'stream') (response as AxiosResponse).data = bodyAs(body, responseType);
        return response;
      }
      // The answer is the adapter's, made for this attempt: its data is replaced once verified (a
      // key ring that retries after a failure gets it untouched).
      verifySigned(response.headers, body, keys, response);
      (response as AxiosResponse).data = bodyAs(body, responseType);
      return response;
    },
    onRejected(error: unknown): never {
      if (error instanceof WechatpayError) throw error;
      throw transportErrorOf(error);
    },
  };
}
