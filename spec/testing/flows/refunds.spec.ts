// Refunds over the real loopback server: full, partial and several per order; PROCESSING then
// SUCCESS after refundDelay with REFUND.SUCCESS; ABNORMAL and CLOSED by hand; query; and each
// documented error (over-refund, unpaid or unknown order, other content under a number, NOT_ENOUGH).
import { expect } from 'chai';
import { apiError, jsapiOrder, liveSandbox, number } from './support.js';

describe('Sandbox flows: refunds', () => {
  const live = liveSandbox({ refundDelay: 150 });

  async function paidOrder(total: number): Promise<string> {
    const out_trade_no = number('RFO');
    await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url, total) });
    await live.sandbox.pay(out_trade_no);
    return out_trade_no;
  }
  // Bodies are loose on purpose: the specs send invalid ones too.
  const refund = (json: object) => live.wxpay.chain('v3/refund/domestic/refunds').post({ json: json as never });
  const refundOf = (out_trade_no: string, refundFen: number, total: number, extra: object = {}) =>
    refund({ out_trade_no, out_refund_no: number('RF'), notify_url: live.endpoint.url, amount: { refund: refundFen, total, currency: 'CNY' }, ...extra });

  it('answers PROCESSING, turns SUCCESS after refundDelay with a REFUND.SUCCESS callback, and the query follows', async () => {
    const out_trade_no = await paidOrder(1000);
    const arrived = live.endpoint.next('REFUND.SUCCESS');
    const started = Date.now();
    const { data } = await refundOf(out_trade_no, 1000, 1000);
    expect(data).to.include({ status: 'PROCESSING', out_trade_no, channel: 'ORIGINAL' });
    expect(data.amount).to.include({ total: 1000, refund: 1000, currency: 'CNY' });
    expect(data.refund_id).to.match(/^50300\d{24}$/);
    const event = await arrived;
    expect(Date.now() - started).to.be.at.least(140);
    expect(event.resource).to.include({ out_trade_no, out_refund_no: data.out_refund_no, refund_id: data.refund_id, refund_status: 'SUCCESS', mchid: live.sandbox.mchid });
    expect(event.resource.amount).to.deep.equal({ total: 1000, refund: 1000, payer_total: 1000, payer_refund: 1000 });
    const queried = await live.wxpay.chain('v3/refund/domestic/refunds/{out_refund_no}').get({ out_refund_no: data.out_refund_no });
    expect(queried.data).to.include({ status: 'SUCCESS', refund_id: data.refund_id });
    expect(queried.data.success_time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const order = await live.wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no, query: { mchid: live.sandbox.mchid } });
    expect(order.data).to.include({ trade_state: 'REFUND', trade_state_desc: '转入退款' });
  });

  it('refunds in several parts up to the amount paid; one fen more is INVALID_REQUEST', async () => {
    const out_trade_no = await paidOrder(500);
    for (const part of [100, 250, 149]) expect((await refundOf(out_trade_no, part, 500)).data.status).to.equal('PROCESSING');
    await apiError(refundOf(out_trade_no, 2, 500), 400, 'INVALID_REQUEST');
    expect((await refundOf(out_trade_no, 1, 500)).data.amount.refund).to.equal(1);
    await apiError(refundOf(out_trade_no, 1, 500), 400, 'INVALID_REQUEST');
  });

  it('refuses an amount.total other than the order total, a missing order, an unpaid order and a bad amount', async () => {
    const out_trade_no = await paidOrder(300);
    await apiError(refundOf(out_trade_no, 100, 301), 400, 'INVALID_REQUEST');
    await apiError(refundOf('NOSUCHORDER9', 100, 300), 404, 'RESOURCE_NOT_EXISTS');
    await apiError(refund({ transaction_id: '4200000000000000000000000000', out_refund_no: number('RF'), amount: { refund: 1, total: 1, currency: 'CNY' } }), 404, 'RESOURCE_NOT_EXISTS');
    const unpaid = number('RFU');
    await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, unpaid, live.endpoint.url, 300) });
    await apiError(refundOf(unpaid, 100, 300), 404, 'RESOURCE_NOT_EXISTS');
    await apiError(refundOf(out_trade_no, 0, 300), 400, 'PARAM_ERROR', { field: 'amount.refund', location: 'body' });
    await apiError(refundOf(out_trade_no, 1, 300, { amount: { refund: 1, total: 300 } }), 400, 'PARAM_ERROR', { field: 'amount.currency', location: 'body' });
    await apiError(refund({ out_refund_no: number('RF'), amount: { refund: 1, total: 300, currency: 'CNY' } }), 400, 'PARAM_ERROR', { field: 'transaction_id', location: 'body' });
    await apiError(live.wxpay.chain('v3/refund/domestic/refunds/{out_refund_no}').get({ out_refund_no: 'NOSUCHREFUND' }), 404, 'RESOURCE_NOT_EXISTS');
  });

  it('a retried request answers the same refund; other content under the same out_refund_no is INVALID_REQUEST', async () => {
    const out_trade_no = await paidOrder(400);
    const json = { out_trade_no, out_refund_no: number('RFD'), amount: { refund: 100, total: 400, currency: 'CNY' } };
    const first = await refund(json);
    expect((await refund(json)).data.refund_id).to.equal(first.data.refund_id);
    await apiError(refund({ ...json, amount: { ...json.amount, refund: 101 } }), 400, 'INVALID_REQUEST');
  });

  it('REFUND.ABNORMAL when asked with sandbox.refund; a concluded refund cannot be concluded again', async () => {
    const out_trade_no = await paidOrder(200);
    const { data } = await refundOf(out_trade_no, 200, 200);
    const arrived = live.endpoint.next('REFUND.ABNORMAL');
    const { refund: view, callback } = await live.sandbox.refund(data.out_refund_no, { status: 'ABNORMAL' });
    expect(view).to.include({ status: 'ABNORMAL' });
    expect(callback).to.include({ event_type: 'REFUND.ABNORMAL', state: 'delivered' });
    expect((await arrived).resource).to.include({ refund_status: 'ABNORMAL', out_refund_no: data.out_refund_no });
    expect(await live.sandbox.refund(data.out_refund_no).catch((error: unknown) => error)).to.include({ code: 'INVALID_REQUEST' });
    expect(await live.sandbox.refund('NOSUCHREFUND').catch((error: unknown) => error)).to.include({ code: 'RESOURCE_NOT_EXISTS' });
  });

  it('NOT_ENOUGH when the basic account holds less than the refund; a CLOSED refund gives the money back', async () => {
    const out_trade_no = await paidOrder(100);
    const drain = live.sandbox.books.balance - 50;
    live.sandbox.books.balance -= drain;
    try {
      await apiError(refundOf(out_trade_no, 60, 100), 403, 'NOT_ENOUGH');
      const { data } = await refundOf(out_trade_no, 50, 100);
      expect(live.sandbox.books.balance).to.equal(0);
      await live.sandbox.refund(data.out_refund_no, { status: 'CLOSED' });
      expect(live.sandbox.books.balance).to.equal(50);
      expect((await refundOf(out_trade_no, 50, 100)).data.status).to.equal('PROCESSING');
    } finally {
      live.sandbox.books.balance += drain;
    }
  });
});
