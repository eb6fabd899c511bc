/**
 * Hosts: operations served elsewhere go to their own WeChat Pay host by default (the v3/global
 * family on the Hong Kong host, the facts' x-base-uri), `hosts` overrides, a call's own baseURL
 * wins, and the sandbox's clientConfig() points every host at itself. Trailing-slash templates are
 * sent as documented. msw stands in front of everything; nothing reaches the internet.
 */
import { expect } from 'chai';
import { ApiError, ArgumentError, Builder, WechatpayError } from '../lib/index.js';
import { hostOf, HOST_NAMES, routeOf } from '../lib/hosts.js';
import { mswGateway } from './support/gateway.js';

const HK = 'https://apihk.mch.weixin.qq.com/';

async function settle(call: Promise<unknown>): Promise<unknown> {
  try {
    return await call;
  } catch (error) {
    return error;
  }
}

describe('hosts', () => {
  const gateway = mswGateway();
  const { sandbox, seen } = gateway;
  const mainland = () => {
    const { hosts: _hosts, ...config } = sandbox.clientConfig();
    return Builder.factory(config);
  };

  it('knows each operation\'s host from the facts', () => {
    expect(hostOf('v3/global/transactions/native')).to.equal(HK);
    expect(hostOf('v3/global/not-yet-documented')).to.equal(HK);
    expect(hostOf('v2/risk/getpublickey')).to.equal('https://fraud.mch.weixin.qq.com/');
    expect(hostOf('v3/pay/transactions/jsapi')).to.equal(undefined);
    expect(hostOf('v3/globalx')).to.equal(undefined);
    // Two families whose YAML names no host, on the Hong Kong host by the same repository's src/.
    expect(hostOf('global/v3/customs/orders')).to.equal(HK);
    expect(hostOf('v3/payscore/oversea/partner/serviceorder/{out_order_no}/cancel')).to.equal(HK);
    expect(hostOf('v3/payscore/partner/serviceorder')).to.equal(undefined);
    expect(HOST_NAMES).to.include.members(['apihk.mch.weixin.qq.com', 'fraud.mch.weixin.qq.com', 'payapp.mch.weixin.qq.com']);
    expect(routeOf('v3/applyment4sub/applyment', {})).to.deep.equal({ template: 'v3/applyment4sub/applyment/', baseURL: undefined });
  });

  it('sends the v3/global family to the Hong Kong host by default', async () => {
    const wxpay = mainland();
    const error = await settle(wxpay.v3.global.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'o1', query: { mchid: '1', sub_mchid: '2', sp_mchid: '3' } }));
    expect(seen.map((request) => request.url)).to.deep.equal([`${HK}v3/global/transactions/out-trade-no/o1?mchid=1&sub_mchid=2&sp_mchid=3`]);
    // msw refuses the unhandled host: the request never left the process.
    expect(error instanceof WechatpayError && !(error instanceof ApiError)).to.equal(true);
  });

  it('sends x-base-uri operations to their host, and the rest to baseURL', async () => {
    const wxpay = mainland();
    // An APIv2 operation: signed the APIv2 way, sent to its host without the `v2` segment.
    await settle(wxpay.v2.risk.getpublickey.post({ xml: { mch_id: sandbox.mchid, sign_type: 'MD5' } }));
    await settle(wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '42', query: { mchid: '1' } }));
    await settle(wxpay.global.v3.customs.orders.get({ query: { appid: 'wx', mchid: '1', order_type: 'out_trade_no', order_no: 'o1', customs: 'NINGBO' } }));
    await settle(wxpay['v3/payscore/oversea/partner/serviceorder/{out_order_no}/cancel'].post({ out_order_no: 'o1', json: { sub_mchid: '2', service_id: 's', reason: 'r' } }));
    expect(seen.map((request) => request.url)).to.deep.equal([
      'https://fraud.mch.weixin.qq.com/risk/getpublickey',
      'https://api.mch.weixin.qq.com/v3/pay/transactions/id/42?mchid=1',
      `${HK}global/v3/customs/orders?appid=wx&mchid=1&order_type=out_trade_no&order_no=o1&customs=NINGBO`,
      `${HK}v3/payscore/oversea/partner/serviceorder/o1/cancel`,
    ]);
  });

  it('lets `hosts` map a host elsewhere, and a call\'s own baseURL win', async () => {
    const { hosts: _hosts, ...config } = sandbox.clientConfig();
    const wxpay = Builder.factory({ ...config, hosts: { 'apihk.mch.weixin.qq.com': 'https://proxy.example/hk/' } });
    await settle(wxpay['v3/global/statements'].get({ query: { date: '2026-11-22' } }));
    await settle(wxpay['v3/global/statements'].get({ query: { date: '2026-11-22' }, baseURL: 'https://other.example/' }));
    expect(seen.map((request) => request.url)).to.deep.equal(['https://proxy.example/hk/v3/global/statements?date=2026-11-22', 'https://other.example/v3/global/statements?date=2026-11-22']);
  });

  it('refuses a hosts map that is not host → http(s) URL', () => {
    const { hosts: _hosts, ...config } = sandbox.clientConfig();
    for (const hosts of [[], { 'apihk.mch.weixin.qq.com': 'ftp://x/' }, { 'apihk.mch.weixin.qq.com': 'not a url' }, { a: 1 }]) {
      expect(() => Builder.factory({ ...config, hosts: hosts as never }), JSON.stringify(hosts)).to.throw(ArgumentError, /config\.hosts/);
    }
  });

  it('the sandbox\'s clientConfig() points every host at itself: a v3/global call is signed, checked and answered there', async () => {
    expect(sandbox.clientConfig().hosts).to.deep.equal(Object.fromEntries(HOST_NAMES.map((host) => [host, sandbox.baseURL])));
    const wxpay = Builder.factory(sandbox.clientConfig());
    const error = await settle(wxpay.v3.global.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: 'o1', query: { mchid: '1', sub_mchid: '2', sp_mchid: '3' } }));
    expect(seen.map((request) => request.url)).to.deep.equal(['https://api.mch.weixin.qq.com/v3/global/transactions/out-trade-no/o1?mchid=1&sub_mchid=2&sp_mchid=3']);
    // Signed, checked against its facts and answered from them by the sandbox (no 401).
    expect(error).not.to.be.instanceOf(ApiError);
    expect((error as { status: number }).status).to.equal(200);
  });

  it('sends a template documented with a trailing slash with its slash, in every style', async () => {
    const wxpay = Builder.factory(sandbox.clientConfig());
    const json = { business_code: 'b' } as never;
    await settle(wxpay.v3.applyment4sub.applyment.post({ json }));
    await settle(wxpay['v3/applyment4sub/applyment/'].post({ json }));
    await settle(wxpay.chain('v3/ecommerce/applyments/').post({ json }));
    expect(seen.map((request) => new URL(request.url).pathname)).to.deep.equal(['/v3/applyment4sub/applyment/', '/v3/applyment4sub/applyment/', '/v3/ecommerce/applyments/']);
  });
});
