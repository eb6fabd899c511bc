import { expect } from 'chai';
import { ArgumentError, Builder, Rsa, type WechatpayClient } from '../lib/index.js';
import { Sandbox } from '../lib/testing/index.js';
import { mswGateway, sharedKeys } from './support/gateway.js';

describe('sensitive fields (wxpay.encrypt, Rsa.decrypt)', () => {
  const gateway = mswGateway();
  const { sandbox } = gateway;
  let wxpay: WechatpayClient;

  before(() => {
    wxpay = Builder.factory(sandbox.clientConfig());
  });

  it('encrypts under the key every request names in Wechatpay-Serial', async () => {
    const ciphertext = wxpay.encrypt('张三');
    expect(Rsa.decrypt(ciphertext, sandbox.keys.platform)).to.equal('张三');
    await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query: { appid: 'wx1234567890abcdef' } });
    expect(gateway.seen[0]!.headers.get('Wechatpay-Serial')).to.equal(sandbox.platform.id);
  });

  it('prefers the PUB_KEY_ID_ key for both when certificates are configured too', async () => {
    const certificateSandbox = new Sandbox({ keys: { merchant: sharedKeys().merchant, platform: sharedKeys().merchant }, mode: 'certificate' });
    const both = Builder.factory(sandbox.clientConfig({
      certs: { [certificateSandbox.platform.id]: certificateSandbox.platform.certificate!, [sandbox.platform.id]: sandbox.platform.publicKey },
    }));
    expect(Rsa.decrypt(both.encrypt('x'), sandbox.keys.platform)).to.equal('x');
    await both.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query: { appid: 'wx1234567890abcdef' } });
    expect(gateway.seen[0]!.headers.get('Wechatpay-Serial')).to.equal(sandbox.platform.id);
  });

  it('takes 214 bytes under RSA-2048 and refuses 215 with an ArgumentError', () => {
    expect(Rsa.decrypt(wxpay.encrypt('a'.repeat(214)), sandbox.keys.platform)).to.have.length(214);
    expect(() => wxpay.encrypt('a'.repeat(215))).to.throw(ArgumentError).with.property('code', 'ERR_ARGUMENT');
    expect(() => wxpay.encrypt('中'.repeat(72))).to.throw(ArgumentError);
  });

  it('is a root member only: below the root, encrypt is a path segment', () => {
    expect(String(wxpay.v3.encrypt)).to.equal('v3/encrypt');
    expect(String(wxpay.chain('v3').encrypt)).to.equal('v3/encrypt');
  });

  it('Rsa.decrypt reads fields WeChat Pay encrypted for the merchant', () => {
    const ciphertext = Rsa.encrypt('13800138000', Rsa.from(sandbox.merchant.publicKey, Rsa.KEY_TYPE_PUBLIC));
    expect(Rsa.decrypt(ciphertext, Rsa.from(sandbox.merchant.privateKey, Rsa.KEY_TYPE_PRIVATE))).to.equal('13800138000');
  });
});
