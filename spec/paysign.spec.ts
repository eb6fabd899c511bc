import { createPublicKey } from 'node:crypto';
import { expect } from 'chai';
import { Formatter, PaySign, Rsa, WechatpayError } from '../lib/index.js';
import { sharedKeys } from './support/gateway.js';

describe('PaySign (client-side pay signatures)', () => {
  const { merchant } = sharedKeys();
  const publicKey = createPublicKey(merchant);

  it('JSAPI / Mini Program: the six fields, paySign over appId\\ntimeStamp\\nnonceStr\\npackage\\n', () => {
    const params = PaySign.jsapi({ appId: 'wx8888888888888888', prepayId: 'wx201410272009395522657a690389285100', privateKey: merchant });
    expect(params).to.have.all.keys('appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign');
    expect(params).to.include({ appId: 'wx8888888888888888', package: 'prepay_id=wx201410272009395522657a690389285100', signType: 'RSA' });
    expect(params.timeStamp).to.match(/^\d{10}$/);
    expect(Math.abs(Number(params.timeStamp) - Formatter.timestamp())).to.be.at.most(2);
    expect(params.nonceStr).to.match(/^[0-9A-Za-z]{32}$/);
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(Rsa.verify(message, params.paySign, publicKey)).to.equal(true);
    expect(PaySign.miniProgram({ appId: 'wx1', prepayId: 'p', privateKey: merchant, timeStamp: 1414561699, nonceStr: 'n' }))
      .to.deep.equal(PaySign.jsapi({ appId: 'wx1', prepayId: 'p', privateKey: merchant, timeStamp: '1414561699', nonceStr: 'n' }));
  });

  it('takes a prepayId already prefixed prepay_id= as the bare id, never prepay_id=prepay_id=', () => {
    const bare = PaySign.jsapi({ appId: 'wx1', prepayId: 'wx2014', privateKey: merchant, timeStamp: 1414561699, nonceStr: 'n' });
    const prefixed = PaySign.jsapi({ appId: 'wx1', prepayId: 'prepay_id=wx2014', privateKey: merchant, timeStamp: 1414561699, nonceStr: 'n' });
    expect(prefixed).to.deep.equal(bare);
    expect(prefixed.package).to.equal('prepay_id=wx2014');
    expect(() => PaySign.jsapi({ appId: 'wx1', prepayId: 'prepay_id=', privateKey: merchant })).to.throw(WechatpayError).with.property('code', 'ERR_ARGUMENT');
  });

  it('APP: the seven fields, sign over appid\\ntimestamp\\nnoncestr\\nprepayid\\n', () => {
    const params = PaySign.app({ appid: 'wxd678efh567hg6787', partnerid: '1900000109', prepayid: 'WX1217752501201407033233368018', privateKey: sandboxPem(), timestamp: 1412000000, noncestr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS' });
    expect(params).to.deep.include({ appid: 'wxd678efh567hg6787', partnerid: '1900000109', prepayid: 'WX1217752501201407033233368018', package: 'Sign=WXPay', noncestr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS', timestamp: '1412000000' });
    expect(Object.keys(params)).to.have.length(7);
    expect(Rsa.verify('wxd678efh567hg6787\n1412000000\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nWX1217752501201407033233368018\n', params.sign, publicKey)).to.equal(true);
  });

  it('refuses missing fields, line feeds and a key that is not private, with ERR_ARGUMENT', () => {
    const cases = [
      () => PaySign.jsapi({ appId: '', prepayId: 'p', privateKey: merchant }),
      () => PaySign.jsapi({ appId: 'wx', prepayId: 'p\nq', privateKey: merchant }),
      () => PaySign.app({ appid: 'wx', partnerid: '1', prepayid: 'p', privateKey: publicKey }),
      () => PaySign.app({ appid: 'wx', partnerid: '1', prepayid: undefined as unknown as string, privateKey: merchant }),
    ];
    for (const attempt of cases) expect(attempt).to.throw(WechatpayError).with.property('code', 'ERR_ARGUMENT');
  });

  /** The merchant key as PEM: anything Rsa.from reads is accepted. */
  function sandboxPem(): string {
    return merchant.export({ type: 'pkcs8', format: 'pem' }).toString();
  }
});
