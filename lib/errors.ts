/**
 * Every failure the client raises is a {@link WechatpayError} with a stable `code`.
 * Errors carry only what helps to act on them: never a key, never a request's secret.
 */

/** Base class of every error wechatpay-ts raises. */
export class WechatpayError extends Error {
  /** A stable, machine-readable code such as `ERR_CONFIG` or WeChat Pay's own `PARAM_ERROR`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Codes of {@link ArgumentError}: bad configuration or request options, raised before any byte is sent. */
export type ArgumentErrorCode = 'ERR_CONFIG' | 'ERR_PATH_PARAM' | 'ERR_OPTIONS' | 'ERR_ARGUMENT' | 'ERR_UPLOAD' | 'ERR_DOWNLOAD_URL';

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
    super(init.code, init.message);
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
  | 'ERR_DIGEST';

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

/** The request never got an answer: timeout, reset, DNS failure, abort. */
export class TransportError extends WechatpayError {
  constructor(code: string, message: string, cause: Error) {
    super(code, message, { cause });
  }
}
