/**
 * Every failure the client raises is a {@link WechatpayError} with a stable `code`.
 * Errors carry only what helps to act on them: never a key, never a request's secret.
 *
 * Each class is recognised across the ESM and CommonJS builds through a `Symbol.for` brand:
 * `ApiError.is(e)`, and `instanceof` too, hold for an error made by either build.
 */

/** The brand every error class of either build puts on its prototype: the class's name. */
const BRAND = Symbol.for('wechatpay-ts.error');

/** Codes a plain {@link WechatpayError} carries (crypto, callbacks, certificate downloads). */
export type WechatpayErrorCode =
  | 'ERR_CONFIG'
  | 'ERR_DECRYPT'
  | 'ERR_ALGORITHM'
  | 'ERR_NOTIFICATION'
  | 'ERR_CERTIFICATE'
  | 'ERR_SIGN';

/** Base class of every error wechatpay-ts raises. */
export class WechatpayError extends Error {
  /**
   * Whether `value` is an error of this class (or a subclass) from either build, ESM or CommonJS.
   * `WechatpayError.is(e)` holds for every error wechatpay-ts raises; `ApiError.is(e)` only for API errors.
   */
  static is<T extends WechatpayError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (value === null || typeof value !== 'object') return false;
    const wanted = (this.prototype as unknown as Record<symbol, unknown>)[BRAND];
    const brand = (value as Record<symbol, unknown>)[BRAND];
    if (typeof brand !== 'string') return false;
    return wanted === 'WechatpayError' || brand === wanted;
  }

  /** `instanceof` by brand for this library's own classes, so errors from the other build match too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return Object.hasOwn(this.prototype, BRAND) && (this as unknown as typeof WechatpayError).is(value);
  }

  /**
   * A stable, machine-readable code: one of {@link ErrorCode}, or on an {@link ApiError}
   * WeChat Pay's own (`PARAM_ERROR`, `SYSTEM_ERROR`, …).
   */
  readonly code: string;
  /**
   * How many requests were sent for the call that failed: 0 when it was refused before sending,
   * more than 1 after retries or a switch to the backup host.
   */
  readonly attempts: number = 0;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Codes of {@link ArgumentError}: bad configuration or request options, raised before any byte is sent. */
export type ArgumentErrorCode = 'ERR_CONFIG' | 'ERR_PATH_PARAM' | 'ERR_OPTIONS' | 'ERR_ARGUMENT' | 'ERR_UPLOAD' | 'ERR_DOWNLOAD_URL' | 'ERR_CIPHERTEXT';

/** Bad configuration or request options, detected before the network is touched. */
export class ArgumentError extends WechatpayError {
  declare readonly code: ArgumentErrorCode;

  constructor(code: ArgumentErrorCode, message: string) {
    super(code, message);
  }
}

/** WeChat Pay answered with a non-2xx status; `code`, `message` and `detail` are its own. */
export class ApiError extends WechatpayError {
  /** The HTTP status of the answer. */
  readonly status: number;
  /** WeChat Pay's `detail` object, when the answer had one. */
  readonly detail: unknown;
  /** The `Request-ID` header, to quote to WeChat Pay support. */
  readonly requestId: string | undefined;

  constructor(init: { status: number; code: string; message: string; detail?: unknown; requestId?: string | undefined }) {
    // WeChat Pay's own codes (or `HTTP_<status>`) are open-ended: the one place a code is not ours.
    super(init.code as ErrorCode, init.message);
    this.status = init.status;
    this.detail = init.detail;
    this.requestId = init.requestId;
  }
}

/** Codes of {@link VerificationError}. */
export type VerificationErrorCode =
  | 'ERR_RESPONSE_HEADERS'
  | 'ERR_RESPONSE_TIMESTAMP'
  | 'ERR_RESPONSE_SERIAL'
  | 'ERR_RESPONSE_SIGNATURE'
  | 'ERR_SIGNATURE_PROBE'
  | 'ERR_DIGEST'
  | 'ERR_RESPONSE_XML'
  | 'ERR_NOTIFICATION';

/** A 2xx answer (or a callback) whose signature could not be verified; its body is not handed over. */
export class VerificationError extends WechatpayError {
  declare readonly code: VerificationErrorCode;
  /** The HTTP status of the rejected answer, when there was one. */
  readonly status: number | undefined;
  /** The `Request-ID` header of the rejected answer, when there was one. */
  readonly requestId: string | undefined;

  constructor(code: VerificationErrorCode, message: string, init: { status?: number | undefined; requestId?: string | undefined } = {}) {
    super(code, message);
    this.status = init.status;
    this.requestId = init.requestId;
  }
}

/**
 * Codes of {@link TransportError}:
 * - `ERR_TIMEOUT`: no complete answer within `timeout`;
 * - `ERR_CANCELED`: the caller's `signal` aborted the call;
 * - `ERR_DNS`: the host name did not resolve;
 * - `ERR_CONNECT_REFUSED`: nothing listens at the host and port;
 * - `ERR_HOST_UNREACHABLE`: no route to the host or network;
 * - `ERR_TLS`: the TLS handshake failed (certificate, protocol);
 * - `ERR_CONNECTION_RESET`: the connection closed before an answer arrived;
 * - `ERR_RESPONSE_INCOMPLETE`: the connection closed after the answer's headers, before its end;
 * - `ERR_RESPONSE_TOO_LARGE`: the answer passed `maxContentLength`;
 * - `ERR_NETWORK`: any other network failure (the system's code is on `cause.code`).
 */
export type TransportErrorCode =
  | 'ERR_TIMEOUT'
  | 'ERR_CANCELED'
  | 'ERR_DNS'
  | 'ERR_CONNECT_REFUSED'
  | 'ERR_HOST_UNREACHABLE'
  | 'ERR_TLS'
  | 'ERR_CONNECTION_RESET'
  | 'ERR_RESPONSE_INCOMPLETE'
  | 'ERR_RESPONSE_TOO_LARGE'
  | 'ERR_NETWORK';

/** The request got no (complete) answer: timeout, reset, DNS failure, refused connection, TLS, abort. */
export class TransportError extends WechatpayError {
  declare readonly code: TransportErrorCode;
  /** Whether the answer's status line had arrived before the failure (WeChat Pay may have acted on the request). */
  readonly answered: boolean;

  constructor(code: TransportErrorCode, message: string, cause: Error, init: { answered?: boolean } = {}) {
    super(code, message, { cause });
    this.answered = init.answered ?? false;
  }
}

/** Every code an error of wechatpay-ts can carry, besides WeChat Pay's own on an {@link ApiError}. */
export type ErrorCode = WechatpayErrorCode | ArgumentErrorCode | VerificationErrorCode | TransportErrorCode;

// Names written out: a minifier may rename the classes, and the brand must match across builds.
for (const [type, brand] of [[WechatpayError, 'WechatpayError'], [ArgumentError, 'ArgumentError'], [ApiError, 'ApiError'], [VerificationError, 'VerificationError'], [TransportError, 'TransportError']] as const) {
  Object.defineProperty(type.prototype, BRAND, { value: brand });
}

/**
 * Records on `error` how many requests its call sent, and says so in the message after more than one.
 * @internal
 */
export function countAttempts<T>(error: T, attempts: number): T {
  // An ArgumentError is raised before sending (a signer's refusal too): its count stays 0.
  if (error instanceof WechatpayError && !(error instanceof ArgumentError)) {
    Object.defineProperty(error, 'attempts', { value: attempts, enumerable: true });
    if (attempts > 1 && !error.message.endsWith(' attempts)')) error.message = `${error.message} (after ${attempts} attempts)`;
  }
  return error;
}
