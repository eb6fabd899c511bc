import { inspect } from 'node:util';
import { expect } from 'chai';
import { http, HttpResponse } from 'msw';
import { Builder, ArgumentError, ApiError, VerificationError, TransportError, WechatpayError, Rsa, type WechatpayClient } from '../lib/index.js';
import { mswGateway } from './support/gateway.js';

const USER = 'https://api.mch.weixin.qq.com/v3/businesscircle/user-authorizations/:openid';

/** Every form in which a private key's secret could leak: PEM lines, DER base64, the private exponent. */
function secretsOf(pem: string): string[] {
  const key = Rsa.from(pem, Rsa.KEY_TYPE_PRIVATE);
  const jwk = key.export({ format: 'jwk' });
  const lines = pem.split('\n').filter((line) => line && !line.startsWith('-----'));
  return [...lines.slice(1, -1), key.export({ type: 'pkcs1', format: 'der' }).toString('base64').slice(40, 120), jwk.d!, jwk.p!, jwk.q!, Buffer.from(jwk.d!, 'base64url').toString('hex').slice(0, 64)];
}

/** Everything a log line could show of a value: inspect (deep, hidden too), JSON, stack and cause chain. */
function renderings(value: unknown): string {
  const parts = [inspect(value, { depth: Infinity, showHidden: true, getters: true }), JSON.stringify(value) ?? '', String(value)];
  for (let error = value; error instanceof Error; error = error.cause) parts.push(error.stack ?? '', error.message, inspect(error.cause, { depth: Infinity, showHidden: true }));
  return parts.join('\n');
}

describe('secrets', () => {
  const gateway = mswGateway();
  let wxpay: WechatpayClient;
  let secrets: string[];

  before(() => {
    // Keys given as PEM strings: the worst case, key material in the config itself.
    const { privateKey } = gateway.sandbox.merchant;
    secrets = secretsOf(privateKey);
    wxpay = Builder.factory({ ...gateway.sandbox.clientConfig(), privateKey });
  });

  const expectClean = (value: unknown) => {
    const text = renderings(value);
    for (const secret of secrets) expect(text.includes(secret), `leaked ${secret.slice(0, 12)}…`).to.equal(false);
  };

  it('the markers are real: the config itself does show the key', () => {
    expect(secrets.some((secret) => renderings({ privateKey: gateway.sandbox.merchant.privateKey }).includes(secret))).to.equal(true);
  });

  it('util.inspect and JSON.stringify of a client and its nodes show no key', () => {
    expectClean(wxpay);
    expectClean(wxpay.v3.businesscircle.userAuthorizations._openid_);
    expect(inspect(wxpay)).to.equal('[Wechatpay mchid=1900000109 https://api.mch.weixin.qq.com/]');
  });

  it('an ArgumentError for a bad key does not echo it', () => {
    const broken = gateway.sandbox.merchant.privateKey.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    let caught: unknown;
    try {
      Builder.factory({ ...gateway.sandbox.clientConfig(), privateKey: broken });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(ArgumentError);
    expectClean(caught);
  });

  it('VerificationError, ApiError and TransportError carry no key, config or request', async () => {
    const caught: WechatpayError[] = [];
    const keep = (promise: Promise<unknown>) => promise.then(() => expect.fail('must fail'), (error: WechatpayError) => caught.push(error));
    const get = (more = {}) => wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query: { appid: 'wx1234567890abcdef' }, ...more });

    gateway.sandbox.faults.next('tamper-body');
    await keep(get());
    await keep(wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query: {} as never }));
    gateway.sandbox.faults.next('reset');
    await keep(get());
    gateway.use(http.get(USER, async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return HttpResponse.json({});
    }));
    await keep(get({ timeout: 20 }));

    expect(caught.map((error) => error.constructor)).to.deep.equal([VerificationError, ApiError, TransportError, TransportError]);
    for (const error of caught) {
      expectClean(error);
      expect(error).not.to.have.property('config');
      expect(error).not.to.have.property('request');
      expect(error).not.to.have.property('response');
      expect(renderings(error)).not.to.include('WECHATPAY2-SHA256-RSA2048');
    }
  });
});
