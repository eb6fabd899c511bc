import { expect } from 'chai';
import { http, HttpResponse } from 'msw';
import { Builder, ApiError, VerificationError, TransportError, Formatter, Rsa, type WechatpayClient } from '../lib/index.js';
import { isUnsigned, verifySigned } from '../lib/verifier.js';
import { mswGateway } from './support/gateway.js';

const BASE = 'https://api.mch.weixin.qq.com';
const USER = `${BASE}/v3/businesscircle/user-authorizations/:openid`;
const query = { appid: 'wx1234567890abcdef' };

describe('verifier', () => {
  const gateway = mswGateway();
  let wxpay: WechatpayClient;
  const platform = () => gateway.sandbox.keys.platform;

  /** An answer signed by the sandbox's platform key, with the given changes. */
  function answer(change: { body?: string; signedBody?: string; skew?: number; serial?: string; signature?: string; omit?: string; status?: number } = {}) {
    const body = change.body ?? '{"openid":"o","authorize_state":"AUTHORIZED"}';
    const timestamp = String(Formatter.timestamp() + (change.skew ?? 0));
    const nonce = Formatter.nonce();
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Request-ID': 'REQ-1',
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': change.serial ?? gateway.sandbox.platform.id,
      'Wechatpay-Signature': change.signature ?? Rsa.sign(Formatter.response(timestamp, nonce, change.signedBody ?? body), platform()),
    };
    if (change.omit) delete headers[change.omit];
    return new HttpResponse(change.status === 204 ? null : body, { status: change.status ?? 200, headers });
  }
  const get = () => wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query });
  const rejection = (promise: Promise<unknown>) => promise.then(() => expect.fail('the answer must be rejected'), (error: unknown) => error);

  before(() => {
    wxpay = Builder.factory(gateway.sandbox.clientConfig());
  });

  it('accepts a correctly signed answer and parses it only then', async () => {
    gateway.use(http.get(USER, () => answer()));
    expect((await get()).data).to.deep.equal({ openid: 'o', authorize_state: 'AUTHORIZED' });
  });

  it('accepts answers signed 300 s either side of the clock', async () => {
    for (const skew of [-290, 290]) {
      gateway.use(http.get(USER, () => answer({ skew })));
      expect((await get()).status).to.equal(200);
    }
  });

  it('verifies a 204 with no body over TIMESTAMP\\nNONCE\\n\\n', async () => {
    gateway.use(http.get(USER, () => answer({ status: 204, body: '' })));
    const res = await get();
    expect(res.status).to.equal(204);
    expect(res.data).to.equal('');
  });

  const rejected: [string, Parameters<typeof answer>[0], VerificationError['code']][] = [
    ['a tampered body', { body: '{"openid":"o","authorize_state":"DEAUTHORIZED"}', signedBody: '{"openid":"o","authorize_state":"AUTHORIZED"}' }, 'ERR_RESPONSE_SIGNATURE'],
    ['an unknown serial', { serial: 'PUB_KEY_ID_0000000000000000000000000000' }, 'ERR_RESPONSE_SERIAL'],
    ['a timestamp 301 s old', { skew: -301 }, 'ERR_RESPONSE_TIMESTAMP'],
    ['a timestamp 301 s ahead', { skew: 301 }, 'ERR_RESPONSE_TIMESTAMP'],
    ['a probe signature', { signature: 'WECHATPAY/SIGNTEST/ZmFrZQ==' }, 'ERR_SIGNATURE_PROBE'],
    ['a garbage base64 signature', { signature: '!!!not*base64###' }, 'ERR_RESPONSE_SIGNATURE'],
    ['a valid-looking signature by another key', { signature: Rsa.sign('x', gateway.sandbox.keys.merchant) }, 'ERR_RESPONSE_SIGNATURE'],
    ['a missing Wechatpay-Timestamp', { omit: 'Wechatpay-Timestamp' }, 'ERR_RESPONSE_HEADERS'],
    ['a missing Wechatpay-Nonce', { omit: 'Wechatpay-Nonce' }, 'ERR_RESPONSE_HEADERS'],
    ['a missing Wechatpay-Signature', { omit: 'Wechatpay-Signature' }, 'ERR_RESPONSE_HEADERS'],
    ['a missing Wechatpay-Serial', { omit: 'Wechatpay-Serial' }, 'ERR_RESPONSE_HEADERS'],
  ];
  for (const [label, change, code] of rejected) {
    it(`rejects ${label} with ${code}, without handing the body over`, async () => {
      gateway.use(http.get(USER, () => answer(change)));
      const error = await rejection(get());
      expect(error).to.be.instanceOf(VerificationError);
      expect(error).to.include({ code, status: 200, requestId: 'REQ-1' });
      expect(error).not.to.have.property('data');
      expect(error).not.to.have.property('response');
      if (change?.omit) expect((error as Error).message).to.include(change.omit);
    });
  }

  it('rejects the sandbox fault switches with their codes', async () => {
    const faults = [['tamper-body', 'ERR_RESPONSE_SIGNATURE'], ['wrong-serial', 'ERR_RESPONSE_SERIAL'], ['stale-timestamp', 'ERR_RESPONSE_TIMESTAMP'], ['missing-headers', 'ERR_RESPONSE_HEADERS'], ['probe-signature', 'ERR_SIGNATURE_PROBE']] as const;
    for (const [fault, code] of faults) {
      gateway.sandbox.faults.next(fault);
      expect(await rejection(get())).to.be.instanceOf(VerificationError).with.property('code', code);
    }
  });

  it('turns a 4xx answer into an ApiError with WeChat Pay’s code, message, detail and Request-ID', async () => {
    const error = await rejection(wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query: {} as never }));
    expect(error).to.be.instanceOf(ApiError).and.include({ status: 400, code: 'PARAM_ERROR' });
    expect((error as ApiError).message).to.be.a('string').and.not.equal('');
    expect((error as ApiError).requestId).to.match(/^[0-9A-F]+$/);
    gateway.use(http.get(USER, () => HttpResponse.json({ code: 'PARAM_ERROR', message: '参数错误', detail: { field: 'appid', location: 'query' } }, { status: 400, headers: { 'Request-ID': 'REQ-2' } })));
    const detailed = (await rejection(get())) as ApiError;
    expect(detailed).to.include({ status: 400, code: 'PARAM_ERROR', message: '参数错误', requestId: 'REQ-2' });
    expect(detailed.detail).to.deep.equal({ field: 'appid', location: 'query' });
  });

  it('turns a 5xx answer without JSON into an ApiError with an HTTP_ code', async () => {
    gateway.use(http.get(USER, () => new HttpResponse('Bad Gateway', { status: 502 })));
    expect(await rejection(get())).to.be.instanceOf(ApiError).and.include({ status: 502, code: 'HTTP_502' });
  });

  it('does not follow redirects, which nobody signed', async () => {
    gateway.use(http.get(USER, () => new HttpResponse(null, { status: 302, headers: { Location: `${BASE}/v3/elsewhere` } })));
    expect(await rejection(get())).to.be.instanceOf(ApiError).with.property('status', 302);
    expect(gateway.seen).to.have.length(1);
  });

  it('turns a connection failure, a timeout and an abort into TransportErrors', async () => {
    gateway.sandbox.faults.next('reset');
    expect(await rejection(get())).to.be.instanceOf(TransportError);
    gateway.use(http.get(USER, async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return answer();
    }));
    const timedOut = await rejection(wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query, timeout: 50 }));
    expect(timedOut).to.be.instanceOf(TransportError).with.property('code', 'ERR_TIMEOUT');
    const controller = new AbortController();
    const pending = wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query, signal: controller.signal });
    controller.abort();
    expect(await rejection(pending)).to.be.instanceOf(TransportError).with.property('code', 'ERR_CANCELED');
  });

  it('lets unsigned downloads through, and only those', async () => {
    gateway.use(http.get(`${BASE}/v3/billdownload/file`, () => new HttpResponse('交易时间,金额\n', { headers: { 'Content-Type': 'text/plain' } })));
    const bill = await wxpay.v3.billdownload.file.get({ query: { token: 't' }, responseType: 'text' });
    expect(bill.data).to.equal('交易时间,金额\n');
    gateway.use(http.get(USER, () => new HttpResponse('{"openid":"o"}')));
    expect(await rejection(get())).to.be.instanceOf(VerificationError).with.property('code', 'ERR_RESPONSE_HEADERS');
  });

  it('hands a verified body over as text or bytes when asked', async () => {
    gateway.use(http.get(USER, () => answer()));
    const text = await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query, responseType: 'text' });
    expect(text.data).to.equal('{"openid":"o","authorize_state":"AUTHORIZED"}');
    gateway.use(http.get(USER, () => answer()));
    const bytes = await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query, responseType: 'arraybuffer' });
    expect(Buffer.isBuffer(bytes.data)).to.equal(true);
  });

  describe('isUnsigned (the explicit exemption list)', () => {
    const cases: [string, boolean][] = [
      ['/v3/billdownload/file', true],
      ['v3/billdownload/file', true],
      ['/v3/transferdownload/signfile', true],
      ['/v3/merchant-service/images/ChsyMFQ0', true],
      ['/v3/merchant-service/images/', false],
      ['/v3/billdownload/file/more', false],
      ['/v3/billdownload/files', false],
      ['/v3/merchant-service/complaints-v2', false],
      ['/v3/bill/tradebill', false],
    ];
    for (const [path, unsigned] of cases) it(`${path} → ${unsigned}`, () => expect(isUnsigned(path)).to.equal(unsigned));
  });

  it('verifySigned reads Node, Fetch and plain headers alike', () => {
    const timestamp = String(Formatter.timestamp());
    const body = Buffer.from('{}');
    const signature = Rsa.sign(Formatter.response(timestamp, 'n', body), platform());
    const keys = new Map([[gateway.sandbox.platform.id, Rsa.from(gateway.sandbox.platform.publicKey, Rsa.KEY_TYPE_PUBLIC)]]);
    const plain = { 'wechatpay-timestamp': timestamp, 'Wechatpay-Nonce': 'n', 'WECHATPAY-SIGNATURE': signature, 'wechatpay-serial': [gateway.sandbox.platform.id] };
    expect(() => verifySigned(plain, body, keys)).not.to.throw();
    expect(() => verifySigned(new Headers(plain as unknown as Record<string, string>), body, keys)).not.to.throw();
    expect(() => verifySigned(plain, Buffer.from('{ }'), keys)).to.throw(VerificationError);
  });
});
