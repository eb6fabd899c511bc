/**
 * wechatpay-ts: a WeChat Pay APIv3 client. Name any endpoint by chained properties,
 * `chain('…')` or a bracket key; every request is signed and every answer verified.
 */
export { Builder, Wechatpay, DEFAULT_TIMEOUT } from './client.js';
export type { WechatpayConfig, WechatpayV2Config, ClientOptions, KeyInput } from './client.js';
export { DEFAULT_MAX_CONTENT_LENGTH } from './decorator.js';
export type { RequestOptions, CallOptions, QueryValue } from './decorator.js';
export type { WechatpayClient, ChainNode, AnyNode, WechatpayResponse, TypedOptions, Template, RequestOf, ResponseOf } from './types.js';
export type { Call, CallOptional, UploadFile, V2UploadFile, V2CallOptions, FileAnswer, JsonOrBody } from './operation.js';
export type * from './registry.js';
export { WechatpayError, ArgumentError, ApiError, VerificationError, TransportError } from './errors.js';
export type { ErrorCode, WechatpayErrorCode, ArgumentErrorCode, VerificationErrorCode, TransportErrorCode } from './errors.js';
export type { RetryOptions } from './transport/retry.js';
export type { Hooks, AttemptInfo, ResponseInfo, ErrorInfo } from './transport/hooks.js';
export { Rsa, AesGcm, Hash, Formatter, Sealed } from './crypto/index.js';
export { UNSIGNED_PATHS, isUnsigned } from './files/unsigned.js';
export { Bill } from './files/bill.js';
export type { ParsedBill } from './files/bill.js';
export type { Upload, UploadData } from './files/upload.js';
export type { Download, DownloadAnswer, DownloadOptions } from './files/download.js';
export { Notifications } from './notification.js';
export type { KnownEvents, WechatpayEvent } from './events.js';
export type { NotificationEvent, NotificationOptions, NotificationReply, NotificationErrorCode, CallbackRequest, CallbackResponse, CallbackHandlerOptions } from './notification.js';
export { downloadCertificates } from './certificates.js';
export type { PlatformCertificate, CertificateDownloadOptions } from './certificates.js';
export { KeyRing, MIN_REFRESH_INTERVAL } from './keyring.js';
export type { KeyRingOptions } from './keyring.js';
export { PaySign } from './paysign.js';
export type { JsapiPayParams, JsapiPayOptions, AppPayParams, AppPayOptions } from './paysign.js';
