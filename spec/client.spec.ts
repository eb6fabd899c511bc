import { readFileSync } from 'node:fs';
import axios from 'axios';
import { expect } from 'chai';
import { Builder, Wechatpay, ArgumentError, type WechatpayClient } from '../lib/index.js';
import { Sandbox } from '../lib/testing/index.js';
import { mswGateway, sharedKeys } from './support/gateway.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const openid = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
const card_id = 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM';

describe('client', () => {
  const gateway = mswGateway();
  let wxpay: WechatpayClient;

  before(() => {
    wxpay = Builder.factory(gateway.sandbox.clientConfig());
    gateway.sandbox.state.authorizations.set(openid, { openid, appid: 'wx1234567890abcdef', authorize_state: 'AUTHORIZED', authorize_time: '2026-01-02T03:04:05+08:00' });
  });

  it('sends the identical request in all six styles for GET user-authorizations, and types the answer', async () => {
    const query = { appid: 'wx1234567890abcdef', sub_mchid: '1900000109' };
    const answers = [
      await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid, query }),
      await wxpay.chain('v3/businesscircle/user-authorizations/{openid}').get({ openid, query }),
      await wxpay['v3/businesscircle/user-authorizations/{openid}'].get({ openid, query }),
      await wxpay.v3.businesscircle.userAuthorizations._openid_.getAsync({ openid, query }),
      await wxpay.chain('v3/businesscircle/user-authorizations/{openid}').getAsync({ openid, query }),
      await wxpay['v3/businesscircle/user-authorizations/{openid}'].getAsync({ openid, query }),
    ];
    expect(gateway.seen).to.have.length(6);
    const wire = gateway.seen.map(({ method, url, body }) => ({ method, url, body }));
    for (const each of wire) {
      expect(each).to.deep.equal({ method: 'GET', url: `https://api.mch.weixin.qq.com/v3/businesscircle/user-authorizations/${openid}?appid=wx1234567890abcdef&sub_mchid=1900000109`, body: '' });
    }
    for (const { data, status } of answers) {
      expect(status).to.equal(200);
      expect(data).to.include({ openid, authorize_state: 'AUTHORIZED', authorize_time: '2026-01-02T03:04:05+08:00' });
    }
  });

  it('sends the identical request in all six styles for POST permission-tokens', async () => {
    const json = { activate_type: 'AUTO_ACTIVATE', outer_str: '会员 1' } as const;
    const answers = [
      await wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id, json }),
      await wxpay.chain('v3/marketing/membercard-open/cards/{card_id}/permission-tokens').post({ card_id, json }),
      await wxpay['v3/marketing/membercard-open/cards/{card_id}/permission-tokens'].post({ card_id, json }),
      await wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.postAsync({ card_id, json }),
      await wxpay.chain('v3/marketing/membercard-open/cards/{card_id}/permission-tokens').postAsync({ card_id, json }),
      await wxpay['v3/marketing/membercard-open/cards/{card_id}/permission-tokens'].postAsync({ card_id, json }),
    ];
    const wire = gateway.seen.map(({ method, url, body }) => ({ method, url, body }));
    expect(wire).to.have.length(6);
    for (const each of wire) {
      expect(each).to.deep.equal({ method: 'POST', url: `https://api.mch.weixin.qq.com/v3/marketing/membercard-open/cards/${card_id}/permission-tokens`, body: JSON.stringify(json) });
    }
    for (const { data } of answers) expect(data.permission_token).to.be.a('string').and.not.equal('');
  });

  it('keeps a hostile path value inside its segment and keeps its case', async () => {
    await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: '../../pay/Transactions', query: { appid: 'wx1' } }).catch(() => undefined);
    expect(gateway.seen[0]!.url).to.equal('https://api.mch.weixin.qq.com/v3/businesscircle/user-authorizations/..%2F..%2Fpay%2FTransactions?appid=wx1');
  });

  it('continues a query the template already holds instead of starting a second one', async () => {
    const loose = wxpay as unknown as Record<string, any>;
    await loose.chain('v3/businesscircle/user-authorizations/{openid}?appid=wx1').get({ openid: 'o', query: { sub_mchid: '1900000109' } }).catch(() => undefined);
    expect(gateway.seen[0]!.url).to.equal('https://api.mch.weixin.qq.com/v3/businesscircle/user-authorizations/o?appid=wx1&sub_mchid=1900000109');
  });

  it('sends nothing when a path variable is missing, empty, null, an object or an array', async () => {
    const node = wxpay.v3.businesscircle.userAuthorizations._openid_;
    for (const openidValue of [undefined, '', null, { id: 1 }, ['a']]) {
      const error = await node.get({ openid: openidValue as never, query: { appid: 'wx1' } }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(ArgumentError).with.property('code', 'ERR_PATH_PARAM');
      expect((error as Error).message).to.include('"openid"').and.include('v3/businesscircle/user-authorizations/{openid}');
    }
    const async = node.getAsync({ query: { appid: 'wx1' } } as never);
    expect(async).to.be.instanceOf(Promise);
    await async.then(() => expect.fail('must reject'), (error: ArgumentError) => expect(error.code).to.equal('ERR_PATH_PARAM'));
    expect(gateway.seen).to.have.length(0);
  });

  it('does not send when awaited as a chain', async () => {
    await wxpay.v3.businesscircle.userAuthorizations;
    expect(gateway.seen).to.have.length(0);
  });

  it('sends the client headers: Accept, User-Agent and Wechatpay-Serial', async () => {
    await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid, query: { appid: 'wx1234567890abcdef' } });
    const { headers } = gateway.seen[0]!;
    expect(headers.get('accept')).to.equal('application/json');
    expect(headers.get('user-agent')).to.equal(`wechatpay-ts/${version} axios/${axios.VERSION} node/${process.versions.node} (${process.platform}; ${process.arch})`);
    expect(headers.get('wechatpay-serial')).to.equal(gateway.sandbox.platform.id);
    expect(headers.get('authorization')).to.match(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="[0-9A-Za-z]{32}",signature="[A-Za-z0-9+/=]+",timestamp="\d+",serial_no="[0-9A-F]{40}"$/);
  });

  it('still sends headers set on axios globally, common and per method, under its own Accept and User-Agent', async () => {
    const defaults = axios.defaults.headers as unknown as Record<string, Record<string, string>>;
    const accept = defaults.common!.Accept!;
    defaults.common!['X-Common'] = 'c';
    defaults.common!.Accept = 'text/plain';
    try {
      await Builder.factory(gateway.sandbox.clientConfig({ headers: { 'X-Own': 'o' } })).v3.businesscircle.userAuthorizations._openid_.get({ openid, query: { appid: 'wx1234567890abcdef' } });
      defaults.get!['X-Get'] = 'g';
      await Builder.factory(gateway.sandbox.clientConfig()).v3.businesscircle.userAuthorizations._openid_.get({ openid, query: { appid: 'wx1234567890abcdef' } });
    } finally {
      delete defaults.common!['X-Common'];
      defaults.common!.Accept = accept;
      delete defaults.get!['X-Get'];
    }
    const [flat, perMethod] = gateway.seen.map((request) => request.headers);
    expect([flat!.get('x-common'), flat!.get('x-own'), flat!.get('accept')]).to.deep.equal(['c', 'o', 'application/json']);
    expect([perMethod!.get('x-common'), perMethod!.get('x-get'), perMethod!.get('accept')]).to.deep.equal(['c', 'g', 'application/json']);
  });

  it('prefers a PUB_KEY_ID_ key for Wechatpay-Serial when both kinds are configured', async () => {
    const certificate = new Sandbox({ keys: sharedKeys(), mode: 'certificate' });
    const config = gateway.sandbox.clientConfig();
    const both = Builder.factory({ ...config, certs: { [certificate.platform.id]: certificate.platform.certificate!, ...config.certs } });
    await both.v3.businesscircle.userAuthorizations._openid_.get({ openid, query: { appid: 'wx1234567890abcdef' } });
    expect(gateway.seen[0]!.headers.get('wechatpay-serial')).to.equal(gateway.sandbox.platform.id);
  });

  it('keeps a Wechatpay-Serial the caller names, for fields encrypted under a key of their choosing', async () => {
    await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid, query: { appid: 'wx1234567890abcdef' }, headers: { 'Wechatpay-Serial': 'PUB_KEY_ID_CHOSEN' } });
    expect(gateway.seen[0]!.headers.get('wechatpay-serial')).to.equal('PUB_KEY_ID_CHOSEN');
  });

  it('is also `new Wechatpay(config)`', async () => {
    const other = new Wechatpay(gateway.sandbox.clientConfig());
    const { data } = await other.v3.businesscircle.userAuthorizations._openid_.get({ openid, query: { appid: 'wx1234567890abcdef' } });
    expect(data.authorize_state).to.equal('AUTHORIZED');
  });

  describe('configuration', () => {
    const good = () => gateway.sandbox.clientConfig();
    const merchant = () => gateway.sandbox.merchant;
    const cases: [string, () => unknown, string][] = [
      ['a missing mchid', () => ({ ...good(), mchid: undefined }), 'config.mchid'],
      ['a missing serial', () => ({ ...good(), serial: '' }), 'config.serial'],
      ['a missing privateKey', () => ({ ...good(), privateKey: undefined }), 'config.privateKey'],
      ['a privateKey that does not parse', () => ({ ...good(), privateKey: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' }), 'config.privateKey'],
      ['a public key as privateKey', () => ({ ...good(), privateKey: merchant().publicKey }), 'config.privateKey'],
      ['empty certs', () => ({ ...good(), certs: {} }), 'config.certs'],
      ['no certs', () => ({ ...good(), certs: undefined }), 'config.certs'],
      ['a cert that does not parse', () => ({ ...good(), certs: { PUB_KEY_ID_0111: 'garbage' } }), 'config.certs["PUB_KEY_ID_0111"]'],
      ["certs holding the merchant's own serial", () => ({ ...good(), certs: { [merchant().serial]: merchant().publicKey } }), "merchant's own serial"],
    ];
    for (const [label, make, field] of cases) {
      it(`refuses ${label} at once with ERR_CONFIG naming the field`, () => {
        expect(() => Builder.factory(make() as never))
          .to.throw(ArgumentError)
          .that.satisfies((error: ArgumentError) => error.code === 'ERR_CONFIG' && error.message.includes(field) && !error.message.includes('not a key'));
      });
    }
  });
});
