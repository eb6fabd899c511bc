/**
 * Client-side pay signatures: the parameters a JSAPI / Mini Program page (`WeixinJSBridge`,
 * `wx.requestPayment`) or an APP (OpenSDK `PayReq`) needs to start paying a prepay order,
 * signed SHA256withRSA with the merchant API private key.
 */
import { Formatter } from './crypto/formatter.js';
import { Rsa, type RsaKeyLike } from './crypto/rsa.js';
import { ArgumentError } from './errors.js';

/** What `wx.requestPayment` / `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` takes. */
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  /** `prepay_id=…` */
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** What the APP OpenSDK's `PayReq` takes. */
export interface AppPayParams {
  appid: string;
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  timestamp: string;
  sign: string;
}

/** Options of {@link PaySign.jsapi}; `timeStamp` and `nonceStr` default to now and a fresh nonce. */
export interface JsapiPayOptions {
  appId: string;
  prepayId: string;
  /** The merchant API private key: a `KeyObject` or anything `Rsa.from` reads. */
  privateKey: RsaKeyLike;
  timeStamp?: string | number;
  nonceStr?: string;
}

/** Options of {@link PaySign.app}; `timestamp` and `noncestr` default to now and a fresh nonce. */
export interface AppPayOptions {
  appid: string;
  /** The merchant id (`mchid`). */
  partnerid: string;
  prepayid: string;
  privateKey: RsaKeyLike;
  timestamp?: string | number;
  noncestr?: string;
}

function required(fields: Record<string, unknown>, caller: string): void {
  for (const [name, value] of Object.entries(fields)) {
    // A line feed would let one field forge another in the signed message.
    if (typeof value !== 'string' || value === '' || value.includes('\n')) throw new ArgumentError('ERR_ARGUMENT', `${caller}: ${name} must be a non-empty string without line feeds`);
  }
}

function keyOf(input: RsaKeyLike, caller: string) {
  try {
    return Rsa.from(input, Rsa.KEY_TYPE_PRIVATE);
  } catch {
    throw new ArgumentError('ERR_ARGUMENT', `${caller}: privateKey is not a usable RSA private key`);
  }
}

/** Pay-signature helpers. */
export const PaySign = {
  /**
   * JSAPI and Mini Program: `paySign` over `appId\ntimeStamp\nnonceStr\npackage\n`. A `prepayId`
   * already given as the package (`prepay_id=wx…`) is taken as its bare id, never doubled.
   */
  jsapi(options: JsapiPayOptions): JsapiPayParams {
    const { appId } = options;
    const prepayId = typeof options.prepayId === 'string' ? options.prepayId.replace(/^prepay_id=/, '') : options.prepayId;
    const timeStamp = String(options.timeStamp ?? Formatter.timestamp());
    const nonceStr = options.nonceStr ?? Formatter.nonce();
    required({ appId, prepayId, timeStamp, nonceStr }, 'PaySign.jsapi');
    const pkg = `prepay_id=${prepayId}`;
    const paySign = Rsa.sign(Formatter.joinedByLineFeed(appId, timeStamp, nonceStr, pkg), keyOf(options.privateKey, 'PaySign.jsapi'));
    return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  },

  /** Mini Program: the same parameters as {@link PaySign.jsapi}. */
  miniProgram(options: JsapiPayOptions): JsapiPayParams {
    return PaySign.jsapi(options);
  },

  /** APP: `sign` over `appid\ntimestamp\nnoncestr\nprepayid\n`. */
  app(options: AppPayOptions): AppPayParams {
    const { appid, partnerid, prepayid } = options;
    const timestamp = String(options.timestamp ?? Formatter.timestamp());
    const noncestr = options.noncestr ?? Formatter.nonce();
    required({ appid, partnerid, prepayid, timestamp, noncestr }, 'PaySign.app');
    const sign = Rsa.sign(Formatter.joinedByLineFeed(appid, timestamp, noncestr, prepayid), keyOf(options.privateKey, 'PaySign.app'));
    return { appid, partnerid, prepayid, package: 'Sign=WXPay', noncestr, timestamp, sign };
  },
};
