// The unsigned control routes under /sandbox/ on the loopback server, as any language's tests
// would drive them: pay, refund, transfer, and the callback list.
import { expect } from 'chai';
import { APPID, jsapiOrder, liveSandbox, number, OPENID } from './support.js';

describe('Sandbox control routes (/sandbox/, loopback only)', () => {
  const live = liveSandbox({ refundDelay: null });
  const control = async (path: string, body?: object | string) => {
    const response = await fetch(`${live.server.url}sandbox/${path}`, body === undefined ? {} : { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    expect(response.headers.get('wechatpay-signature'), 'control answers are not signed').to.equal(null);
    return { status: response.status, json: await response.json() };
  };

  it('POST /sandbox/pay settles an order and GET /sandbox/callbacks lists its callback with tries', async () => {
    const out_trade_no = number('CTL');
    await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url) });
    const paid = await control('pay', { out_trade_no, trade_state: 'SUCCESS' });
    expect(paid.status).to.equal(200);
    expect(paid.json.transaction).to.include({ trade_state: 'SUCCESS', out_trade_no });
    const { json: callbacks } = await control('callbacks');
    const mine = callbacks.find((record: { subject: string }) => record.subject === out_trade_no);
    expect(mine).to.include({ url: live.endpoint.url, event_type: 'TRANSACTION.SUCCESS', state: 'delivered' });
    expect(mine.id).to.match(/^[0-9a-f-]{36}$/);
    expect(mine.tries).to.have.length(1);
    expect(mine.tries[0]).to.have.keys('at', 'status');
    expect(mine.tries[0].status).to.equal(204);
  });

  it('POST /sandbox/refund concludes a refund; POST /sandbox/transfer confirms a transfer', async () => {
    const out_trade_no = number('CTR');
    await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url, 500) });
    await control('pay', { out_trade_no });
    const { data } = await live.wxpay.chain('v3/refund/domestic/refunds').post({ json: { out_trade_no, out_refund_no: number('CTRR'), amount: { refund: 100, total: 500, currency: 'CNY' } } });
    expect((await control('refund', { out_refund_no: data.out_refund_no, status: 'ABNORMAL' })).json.refund).to.include({ status: 'ABNORMAL' });

    const out_bill_no = number('CTT');
    await live.wxpay.chain('v3/fund-app/mch-transfer/transfer-bills').post({
      json: { appid: APPID, out_bill_no, transfer_scene_id: '1000', openid: OPENID, transfer_amount: 100, transfer_remark: 'x', transfer_scene_report_infos: [{ info_type: 'a', info_content: 'b' }] },
    });
    expect((await control('transfer', { out_bill_no })).json.transfer).to.include({ state: 'SUCCESS' });
  });

  it('answers bad commands with PARAM_ERROR, unknown subjects with their documented code, unknown control routes with 404', async () => {
    expect(await control('pay', 'not json')).to.deep.include({ status: 400 });
    expect((await control('pay', {})).json).to.deep.include({ code: 'PARAM_ERROR', detail: { field: 'out_trade_no', location: 'body' } });
    expect(await control('pay', { out_trade_no: 'NOSUCHORDER' })).to.deep.include({ status: 404, json: { code: 'ORDER_NOT_EXIST', message: 'no order NOSUCHORDER' } });
    expect((await control('pay', { out_trade_no: 'X', trade_state: 'MAYBE' })).json.code).to.equal('PARAM_ERROR');
    const unknown = await fetch(`${live.server.url}sandbox/__proto__`, { method: 'POST', body: '{}' });
    expect(unknown.status).to.equal(404);
    expect(await unknown.json()).to.include({ code: 'NOT_FOUND' });
  });
});
