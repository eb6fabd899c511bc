// Payment over the real loopback server: prepay of every kind for direct and partner merchants,
// sandbox.pay to each state, query both ways, close, TRANSACTION.SUCCESS received and verified
// by a Notifications handler, and each documented error.
import { expect } from 'chai';
import { VerificationError } from '../../../lib/index.js';
import { SandboxStateError } from '../../../lib/testing/index.js';
import { apiError, APPID, jsapiOrder, liveSandbox, number, OPENID, SUB_MCHID } from './support.js';

describe('Sandbox flows: payment (direct and partner)', () => {
  const live = liveSandbox();

  const prepay = (kind: string, json: object) => live.wxpay.chain(`v3/pay/transactions/${kind}`).post({ json });
  const query = (out_trade_no: string) => live.wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no, query: { mchid: live.sandbox.mchid } });

  it('prepays JSAPI / Mini Program and APP with a prepay_id, H5 with an h5_url, Native with a code_url', async () => {
    const { mchid } = live.sandbox;
    const base = (kind: string) => ({ appid: APPID, mchid, description: kind, out_trade_no: number(kind), notify_url: live.endpoint.url, amount: { total: 1 } });
    const jsapi = await prepay('jsapi', { ...base('jsapi'), payer: { openid: OPENID } });
    expect(jsapi.data.prepay_id).to.match(/^wx\d{14}[0-9a-f]{20}$/);
    expect((await prepay('app', base('app'))).data.prepay_id).to.match(/^wx/);
    expect((await prepay('h5', { ...base('h5'), scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } } })).data.h5_url).to.match(/^https:\/\/wx\.tenpay\.com\/cgi-bin\/mmpayweb-bin\/checkmweb\?prepay_id=wx/);
    expect((await prepay('native', base('native'))).data.code_url).to.match(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
  });

  it('pays an order: TRANSACTION.SUCCESS reaches the notify_url, verified and decrypted; query by out_trade_no and transaction_id agree', async () => {
    const out_trade_no = number('PAY');
    await prepay('jsapi', jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url, 888, { attach: 'cart 7' }));
    const before = await query(out_trade_no);
    expect(before.data).to.include({ trade_state: 'NOTPAY', trade_state_desc: '订单未支付', out_trade_no });
    expect(before.data).not.to.have.property('transaction_id');

    const arrived = live.endpoint.next('TRANSACTION.SUCCESS');
    const { transaction, callback } = await live.sandbox.pay(out_trade_no);
    expect(callback).to.include({ state: 'delivered', event_type: 'TRANSACTION.SUCCESS', url: live.endpoint.url });
    expect(callback!.tries.map((item) => item.status)).to.deep.equal([204]);
    const event = await arrived;
    expect(event.resource).to.deep.equal(transaction);
    expect(event.resource).to.include({ trade_state: 'SUCCESS', out_trade_no, attach: 'cart 7', mchid: live.sandbox.mchid, appid: APPID });
    expect(event.resource.amount).to.deep.equal({ total: 888, payer_total: 888, currency: 'CNY', payer_currency: 'CNY' });

    const byNumber = await query(out_trade_no);
    const byId = await live.wxpay.chain('v3/pay/transactions/id/{transaction_id}').get({ transaction_id: event.resource.transaction_id, query: { mchid: live.sandbox.mchid } });
    expect(byNumber.data).to.deep.equal(byId.data);
    expect(byId.data.transaction_id).to.match(/^4200000\d{21}$/);
  });

  it('a retry of the same prepay answers the same prepay_id; other content under the number is INVALID_REQUEST', async () => {
    const out_trade_no = number('DUP');
    const order = jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url, 100);
    const first = await prepay('jsapi', order);
    expect((await prepay('jsapi', order)).data).to.deep.equal(first.data);
    await apiError(prepay('jsapi', { ...order, amount: { total: 101 } }), 400, 'INVALID_REQUEST');
    await apiError(prepay('native', order), 400, 'INVALID_REQUEST');
  });

  it('checks amounts and required fields, naming the field: total > 0, currency CNY, payer.openid for JSAPI, scene_info for H5', async () => {
    const { mchid } = live.sandbox;
    const order = (extra: object) => ({ ...jsapiOrder(mchid, number('AMT'), live.endpoint.url), ...extra });
    await apiError(prepay('jsapi', order({ amount: { total: 0 } })), 400, 'PARAM_ERROR', { field: 'amount.total', location: 'body' });
    await apiError(prepay('jsapi', order({ amount: { total: 1.5 } })), 400, 'PARAM_ERROR', { field: 'amount.total', location: 'body' });
    await apiError(prepay('jsapi', order({ amount: { total: 100, currency: 'USD' } })), 400, 'PARAM_ERROR', { field: 'amount.currency', location: 'body' });
    await apiError(prepay('jsapi', order({ payer: {} })), 400, 'PARAM_ERROR', { field: 'payer.openid', location: 'body' });
    await apiError(prepay('jsapi', order({ out_trade_no: 'a b' })), 400, 'PARAM_ERROR', { field: 'out_trade_no', location: 'body' });
    await apiError(prepay('jsapi', order({ mchid: '1230000109' })), 400, 'PARAM_ERROR', { field: 'mchid', location: 'body' });
    await apiError(prepay('h5', order({})), 400, 'PARAM_ERROR', { field: 'scene_info', location: 'body' });
    await apiError(query('NOSUCHORDER1'), 404, 'ORDER_NOT_EXIST');
    // @ts-expect-error the types refuse this request too; the sandbox must refuse it on the wire
    await apiError(live.wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no: 'ANY123', query: {} }), 400, 'PARAM_ERROR', { field: 'mchid', location: 'query' });
  });

  it('closes an unpaid order with 204; a closed order cannot be prepaid again nor paid; a paid one cannot be closed', async () => {
    const { mchid } = live.sandbox;
    const open = number('CLS');
    const order = jsapiOrder(mchid, open, live.endpoint.url);
    await prepay('jsapi', order);
    const closed = await live.wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no: open, json: { mchid } });
    expect(closed.status).to.equal(204);
    expect(closed.data).to.equal('');
    expect((await query(open)).data).to.include({ trade_state: 'CLOSED', trade_state_desc: '订单已关闭' });
    await apiError(prepay('jsapi', order), 400, 'ORDER_CLOSED');
    const refused = await live.sandbox.pay(open).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(SandboxStateError).and.to.include({ code: 'INVALID_REQUEST' });

    const paid = number('PAID');
    await prepay('jsapi', jsapiOrder(mchid, paid, live.endpoint.url));
    await live.sandbox.pay(paid);
    await apiError(live.wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no: paid, json: { mchid } }), 400, 'ORDERPAID');
    await apiError(prepay('jsapi', jsapiOrder(mchid, paid, live.endpoint.url)), 400, 'ORDERPAID');
    await apiError(live.wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no: 'NOSUCHORDER2', json: { mchid } }), 404, 'ORDER_NOT_EXIST');
  });

  it('a tamper-body fault on a 204 answer still fails verification (the signed nonce is altered)', async () => {
    const { mchid } = live.sandbox;
    const out_trade_no = number('TMP');
    await prepay('jsapi', jsapiOrder(mchid, out_trade_no, live.endpoint.url));
    live.sandbox.faults.next('tamper-body');
    const error = await live.wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no, json: { mchid } }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(VerificationError).and.to.include({ code: 'ERR_RESPONSE_SIGNATURE' });
  });

  it('moves orders to NOTPAY, USERPAYING, PAYERROR and CLOSED without a callback; unknown states and orders are refused', async () => {
    const { mchid } = live.sandbox;
    const out_trade_no = number('ST');
    await prepay('jsapi', jsapiOrder(mchid, out_trade_no, live.endpoint.url));
    const sent = live.sandbox.callbacks.length;
    for (const [state, desc] of [['USERPAYING', '用户支付中'], ['PAYERROR', '支付失败'], ['NOTPAY', '订单未支付'], ['CLOSED', '订单已关闭']] as const) {
      const { transaction, callback } = await live.sandbox.pay(out_trade_no, { trade_state: state });
      expect(callback).to.equal(undefined);
      expect(transaction).to.include({ trade_state: state, trade_state_desc: desc });
      expect((await query(out_trade_no)).data).to.include({ trade_state: state });
    }
    expect(live.sandbox.callbacks.length).to.equal(sent);
    expect(await live.sandbox.pay(out_trade_no, { trade_state: 'BOGUS' as never }).catch((error: unknown) => error)).to.include({ code: 'PARAM_ERROR' });
    expect(await live.sandbox.pay('NOSUCHORDER3').catch((error: unknown) => error)).to.include({ code: 'ORDER_NOT_EXIST', status: 404 });
  });

  it('serves partner (服务商) orders under v3/pay/partner/transactions, keyed by sub_mchid, with sp_/sub_ fields', async () => {
    const { mchid } = live.sandbox;
    const out_trade_no = number('SP');
    const order = {
      sp_appid: APPID, sp_mchid: mchid, sub_appid: 'wx0000000000000001', sub_mchid: SUB_MCHID, description: 'partner', out_trade_no,
      notify_url: live.endpoint.url, amount: { total: 300 }, payer: { sp_openid: OPENID, sub_openid: OPENID },
    };
    expect((await live.wxpay.chain('v3/pay/partner/transactions/jsapi').post({ json: order })).data.prepay_id).to.match(/^wx/);
    await apiError(live.wxpay.chain('v3/pay/partner/transactions/jsapi').post({ json: { ...order, out_trade_no: number('SP'), sub_appid: undefined } as never }), 400, 'PARAM_ERROR', { field: 'sub_appid', location: 'body' });
    await apiError(live.wxpay.chain('v3/pay/partner/transactions/jsapi').post({ json: { ...order, out_trade_no: number('SP'), sp_mchid: '1230000109' } }), 400, 'PARAM_ERROR', { field: 'sp_mchid', location: 'body' });

    const arrived = live.endpoint.next('TRANSACTION.SUCCESS');
    await live.sandbox.pay(out_trade_no, { sub_mchid: SUB_MCHID });
    const event = await arrived;
    expect(event.resource).to.include({ sp_mchid: mchid, sub_mchid: SUB_MCHID, sp_appid: APPID, out_trade_no, trade_state: 'SUCCESS' });
    expect(event.resource.payer).to.deep.equal({ sp_openid: OPENID, sub_openid: OPENID });

    const partnerQuery = { sp_mchid: mchid, sub_mchid: SUB_MCHID };
    const { data } = await live.wxpay.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no, query: partnerQuery });
    expect(data).to.deep.equal(event.resource);
    const byId = await live.wxpay.chain('v3/pay/partner/transactions/id/{transaction_id}').get({ transaction_id: data.transaction_id!, query: partnerQuery });
    expect(byId.data).to.deep.equal(data);
    // Another sub-merchant, or the direct family, does not see it.
    await apiError(live.wxpay.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no, query: { ...partnerQuery, sub_mchid: '1900000111' } }), 404, 'ORDER_NOT_EXIST');
    await apiError(query(out_trade_no), 404, 'ORDER_NOT_EXIST');
    const unpaid = number('SP');
    await live.wxpay.chain('v3/pay/partner/transactions/native').post({ json: { ...order, out_trade_no: unpaid, payer: undefined } as never });
    const closed = await live.wxpay.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no: unpaid, json: partnerQuery });
    expect(closed.status).to.equal(204);
  });
});
