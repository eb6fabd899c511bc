// The three clients under test, each built the way its README shows, all aimed at the same
// endpoint (GET v3/businesscircle/user-authorizations/{openid}?appid=…) of the same sandbox.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Builder } from 'wechatpay-ts';

const require = createRequire(import.meta.url);
// `BENCH_BASELINE=DIR`: a built checkout of wechatpay-ts (its dist/) measured beside this one as
// `wechatpay-ts@baseline`, in the same process and rounds: a change's before and after, paired.
const baseline = process.env.BENCH_BASELINE ? await import(new URL('dist/esm/index.js', pathToFileURL(`${process.env.BENCH_BASELINE.replace(/\/?$/, '/')}`)).href) : undefined;
const AxiosPluginWechatpay = require('wechatpay-axios-plugin');
const NodeV3Pay = require('wechatpay-node-v3');

export const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
export const APPID = 'wx1234567890abcdef';
export const PATH = `/v3/businesscircle/user-authorizations/${OPENID}`;
export const SEARCH = `?appid=${APPID}`;
const OFFICIAL = 'https://api.mch.weixin.qq.com';

export const CLIENTS = {
  'wechatpay-ts': { label: 'wechatpay-ts', verifies: true },
  'wechatpay-axios-plugin': { label: 'wechatpay-axios-plugin@0.9.6', verifies: true },
  'wechatpay-node-v3': { label: 'wechatpay-node-v3@2.2.1', verifies: false },
};

/**
 * One request function per client: resolves with the answer's JSON body, rejects on any
 * failure (for the verifying clients: also on an answer that does not verify).
 * `sandbox` is a certificate-mode Sandbox; `extra` is passed to the axios-based clients
 * (baseURL, adapter).
 */
export function makeRequest(name, sandbox, extra = {}) {
  const { merchant, platform } = sandbox;
  if (name === 'wechatpay-ts' || name === 'wechatpay-ts@baseline') {
    if (name.endsWith('@baseline') && !baseline) throw new Error('wechatpay-ts@baseline needs BENCH_BASELINE=DIR (a built checkout)');
    const wxpay = (name === 'wechatpay-ts' ? Builder : baseline.Builder).factory(sandbox.clientConfig(extra));
    return async () => (await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: OPENID, query: { appid: APPID } })).data;
  }
  if (name === 'wechatpay-axios-plugin') {
    // Classic setup: merchant PEM key, platform certificate keyed by its serial.
    const wxpay = new AxiosPluginWechatpay({
      mchid: merchant.mchid,
      serial: merchant.serial,
      privateKey: merchant.privateKey,
      certs: { [platform.id]: platform.certificate },
      ...extra,
    });
    return async () => (await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: OPENID, params: { appid: APPID } })).data;
  }
  if (name === 'wechatpay-node-v3') {
    // It reads the merchant serial from `publicKey` (the merchant certificate) unless serial_no is given;
    // it never receives the platform key: answers of API calls are not verified (headers are dropped).
    const pay = new NodeV3Pay({
      appid: APPID,
      mchid: merchant.mchid,
      serial_no: merchant.serial,
      publicKey: Buffer.from(merchant.publicKey),
      privateKey: Buffer.from(merchant.privateKey),
    });
    if (extra.httpService) pay.createHttp(extra.httpService);
    const url = `${OFFICIAL}${PATH}${SEARCH}`;
    // The three steps every GET method of its own runs (see `query()`), on this endpoint.
    return async () => {
      const headers = pay.getHeaders(pay.buildAuthorization('GET', url));
      const result = await pay.httpService.get(url, headers);
      if (result.status !== 200) throw new Error(`wechatpay-node-v3: status ${result.status}: ${result.error ?? ''}`);
      return result.data;
    };
  }
  throw new Error(`unknown client ${name}`);
}
