import axios, { type InternalAxiosRequestConfig } from 'axios';
import { expect } from 'chai';
import { Builder, ApiError, type WechatpayClient } from '../lib/index.js';
import { Sandbox } from '../lib/testing/index.js';
import { availableParallelism } from 'node:os';
import { inSlot, preferredKeyId, requestTarget } from '../lib/signer.js';
import { mswGateway, sharedKeys } from './support/gateway.js';

// The sandbox checks every Authorization exactly as WeChat Pay does and answers 401 SIGN_ERROR
// when it fails; paths it does not serve answer 404, and bodies its facts refuse 400, only after
// the signature passed.
const shapes: [string, (wxpay: WechatpayClient) => Promise<unknown>, number][] = [
  ['GET with a query holding Chinese text and spaces', (wxpay) => wxpay.v3.marketing.busifavor.stocks.get({ query: { stock_name: '商圈 积分 活动', note: "a b'c(d)*~!", limit: 10 } }), 404],
  ['GET of a documented endpoint with a query', (wxpay) => wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'oWmnN4xxxxxxxxxxe92NHIGf1xd8', query: { appid: 'wx1234567890abcdef' } }), 200],
  ['POST with json', (wxpay) => wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id: 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM', json: { activate_type: 'AUTO_ACTIVATE', outer_str: '中文 text' } }), 200],
  ['POST with a string body, sent byte for byte', (wxpay) => wxpay['v3/marketing/membercard-open/cards/{card_id}/permission-tokens'].post({ card_id: 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM', body: '  {"activate_type" : "AUTO_ACTIVATE"}\n' }), 200],
  ['POST with a Buffer body', (wxpay) => wxpay.v3.marketing.partnerships.build.post({ headers: { 'Idempotency-Key': 'k-1' }, body: Buffer.from('{"partner":{"type":"APPID"}}') }), 400],
  ['DELETE with no body', (wxpay) => wxpay.v3.marketing.partnerships._id_.delete({ id: 'x y' }), 404],
  ['PUT with json', (wxpay) => wxpay.v3.merchant.media.put({ json: { a: 1 } }), 404],
  ['PATCH with json', (wxpay) => wxpay.v3.merchant.media.patch({ json: { b: '二' } }), 404],
];

async function statusOf(call: Promise<unknown>): Promise<{ status: number; code?: string }> {
  try {
    const res = (await call) as { status: number };
    return { status: res.status };
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, code: error.code };
    throw error;
  }
}

describe('signer', () => {
  describe('through msw', () => {
    const gateway = mswGateway();
    let wxpay: WechatpayClient;
    before(() => {
      wxpay = Builder.factory(gateway.sandbox.clientConfig());
    });

    for (const [label, call, status] of shapes) {
      it(`${label}: the gateway verifies the signature`, async () => {
        expect(await statusOf(call(wxpay))).to.have.property('status', status);
      });
    }

    it('signs each request with a fresh nonce', async () => {
      await shapes[1]![1](wxpay);
      await shapes[1]![1](wxpay);
      const nonces = gateway.seen.map(({ headers }) => /nonce_str="([^"]+)"/.exec(headers.get('authorization')!)![1]);
      expect(nonces[0]).not.to.equal(nonces[1]);
    });
  });

  describe('against the real loopback server', () => {
    const sandbox = new Sandbox({ keys: sharedKeys() });
    let server: Awaited<ReturnType<Sandbox['listen']>>;
    let wxpay: WechatpayClient;
    before(async () => {
      server = await sandbox.listen();
      expect(new URL(server.url).hostname).to.equal('127.0.0.1');
      wxpay = Builder.factory(sandbox.clientConfig({ baseURL: server.url }));
    });
    after(() => server.close());

    for (const [label, call, status] of shapes) {
      it(`${label}: the server verifies the signature`, async () => {
        expect(await statusOf(call(wxpay))).to.have.property('status', status);
      });
    }

    it('a client holding another merchant key is refused with 401 SIGN_ERROR', async () => {
      const impostor = Builder.factory({ ...sandbox.clientConfig({ baseURL: server.url }), privateKey: sharedKeys().platform });
      expect(await statusOf(shapes[1]![1](impostor))).to.deep.equal({ status: 401, code: 'SIGN_ERROR' });
    });

    it('a request altered after signing is refused with 401 SIGN_ERROR', async () => {
      const honest = Builder.factory(sandbox.clientConfig({ baseURL: server.url }));
      // An adapter runs after the signer: this one changes the signed body on its way out.
      const tampering = Builder.factory({
        ...sandbox.clientConfig({ baseURL: server.url }),
        adapter: (config: InternalAxiosRequestConfig) => {
          config.data = Buffer.from(String(config.data).replace('AUTO_ACTIVATE', 'JUMP_ACTIVATE'));
          return axios.getAdapter('http')(config);
        },
      });
      expect(await statusOf(shapes[2]![1](honest))).to.have.property('status', 200);
      expect(await statusOf(shapes[2]![1](tampering))).to.deep.equal({ status: 401, code: 'SIGN_ERROR' });
    });
  });

  describe('inSlot (no more signatures in flight than cores)', () => {
    const slots = Math.max(1, availableParallelism());
    const pending = () => {
      let settle!: { resolve: (value: number) => void; reject: (error: Error) => void };
      const promise = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
      return { promise, ...settle };
    };
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it('starts one per core, the next as one settles, in order; a failure or a throw gives its slot back', async () => {
      const started: number[] = [];
      const works = Array.from({ length: slots + 3 }, () => pending());
      const results = works.map((work, i) => inSlot(() => {
        started.push(i);
        if (i === slots + 1) throw new Error('thrown');
        return work.promise;
      }).then((value) => value, (error: Error) => error.message));
      await tick();
      expect(started).to.deep.equal([...Array(slots).keys()]);
      works[0]!.reject(new Error('failed'));
      await tick();
      expect(started).to.deep.equal([...Array(slots + 1).keys()]);
      for (const work of works) work.resolve(7);
      await tick();
      expect(started).to.deep.equal([...Array(slots + 3).keys()]);
      const values = await Promise.all(results);
      expect(values[0]).to.equal('failed');
      expect(values[slots + 1]).to.equal('thrown');
      // Every slot is free again: as many start at once as before.
      const again: number[] = [];
      const more = Array.from({ length: slots + 1 }, () => pending());
      const settled = more.map((work, i) => inSlot(() => {
        again.push(i);
        return work.promise;
      }));
      await tick();
      expect(again).to.have.length(slots);
      for (const work of more) work.resolve(0);
      await Promise.all(settled);
    });
  });

  describe('preferredKeyId (named in Wechatpay-Serial, used by wxpay.encrypt)', () => {
    const key = sharedKeys().platform;
    it('prefers a PUB_KEY_ID_ key wherever it stands', () => {
      expect(preferredKeyId(new Map([['7132D72A03E9', key], ['PUB_KEY_ID_0114', key]]))).to.equal('PUB_KEY_ID_0114');
    });
    it('else takes the first certificate still held, following the map as it changes', () => {
      const keys = new Map([['OLD', key], ['NEW', key]]);
      expect(preferredKeyId(keys)).to.equal('OLD');
      keys.delete('OLD');
      expect(preferredKeyId(keys)).to.equal('NEW');
      keys.delete('NEW');
      expect(preferredKeyId(keys)).to.equal(undefined);
    });
  });

  describe('requestTarget (what is signed is what axios sends)', () => {
    const instance = axios.create();
    const cases: [string | undefined, string][] = [
      ['https://api.mch.weixin.qq.com/', 'v3/a/b?x=1%202'],
      ['https://api.mch.weixin.qq.com', 'v3/a/b'],
      ['https://api.mch.weixin.qq.com//', '/v3/a/b'],
      ['http://127.0.0.1:8080/prefix', 'v3/a?q=%E4%B8%AD'],
      ['http://127.0.0.1:8080/prefix/', '/v3/a'],
      ['https://api.mch.weixin.qq.com/', "v3/a/b?note=a'b(c)"],
      ['https://api.mch.weixin.qq.com/', 'v3/a/./b/../c'],
      ['https://api.mch.weixin.qq.com/', 'https://other.example/v3/x?y=1'],
      [undefined, 'http://127.0.0.1/v3/x'],
    ];
    for (const [baseURL, url] of cases) {
      it(`${baseURL ?? '(no baseURL)'} + ${url}`, () => {
        const { pathname, search } = new URL(instance.getUri({ baseURL, url }));
        expect(requestTarget(baseURL, url)).to.equal(`${pathname}${search}`);
      });
    }
  });
});
