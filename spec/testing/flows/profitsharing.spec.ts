// Profit sharing over the real loopback server, on a transaction placed for it: receivers,
// orders (PROCESSING then FINISHED), queries, return orders, unfreeze, the unsplit amount, and
// the documented errors (no profit_sharing, over 30%, unknown receiver or transaction).
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiError, APPID, jsapiOrder, liveSandbox, number, OPENID } from './support.js';

const RECEIVER_MCHID = '1900000201';

describe('Sandbox flows: profit sharing (分账)', () => {
  const live = liveSandbox({ refundDelay: 80 });

  async function settled(total: number, profit_sharing: boolean): Promise<string> {
    const out_trade_no = number('PS');
    await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url, total, { settle_info: { profit_sharing } }) });
    return (await live.sandbox.pay(out_trade_no)).transaction.transaction_id as string;
  }
  const order = (transaction_id: string, amount: number, extra: object = {}) => live.wxpay.chain('v3/profitsharing/orders').post({
    json: { appid: APPID, transaction_id, out_order_no: number('PSO'), unfreeze_unsplit: false, receivers: [{ type: 'MERCHANT_ID', account: RECEIVER_MCHID, name: live.wxpay.encrypt('门店'), amount, description: 'share' }], ...extra },
  });
  before(async () => {
    await live.wxpay.chain('v3/profitsharing/receivers/add').post({ json: { appid: APPID, type: 'MERCHANT_ID', account: RECEIVER_MCHID, name: live.wxpay.encrypt('门店'), relation_type: 'STORE' } });
    await live.wxpay.chain('v3/profitsharing/receivers/add').post({ json: { appid: APPID, type: 'PERSONAL_OPENID', account: OPENID, relation_type: 'USER' } });
  });

  it('shares up to 30%: PROCESSING, then FINISHED; the query, the unsplit amount and a return follow', async () => {
    const transaction_id = await settled(1000, true);
    const { data } = await order(transaction_id, 200);
    expect(data).to.include({ transaction_id, state: 'PROCESSING' });
    expect(data.receivers![0]).to.include({ type: 'MERCHANT_ID', account: RECEIVER_MCHID, amount: 200, result: 'PENDING' });
    const amounts = await live.wxpay.chain('v3/profitsharing/transactions/{transaction_id}/amounts').get({ transaction_id });
    expect(amounts.data).to.deep.equal({ transaction_id, unsplit_amount: 800 });
    await sleep(150);
    const queried = await live.wxpay.chain('v3/profitsharing/orders/{out_order_no}').get({ out_order_no: data.out_order_no, query: { transaction_id } });
    expect(queried.data).to.include({ state: 'FINISHED', order_id: data.order_id });
    expect(queried.data.receivers![0]).to.include({ result: 'SUCCESS' });

    const returned = await live.wxpay.chain('v3/profitsharing/return-orders').post({ json: { out_order_no: data.out_order_no, out_return_no: number('RT'), return_mchid: RECEIVER_MCHID, amount: 50, description: 'back' } });
    expect(returned.data).to.include({ result: 'SUCCESS', amount: 50, out_order_no: data.out_order_no });
    const returnQuery = await live.wxpay.chain('v3/profitsharing/return-orders/{out_return_no}').get({ out_return_no: returned.data.out_return_no, query: { out_order_no: data.out_order_no } });
    expect(returnQuery.data).to.deep.equal(returned.data);
    await apiError(live.wxpay.chain('v3/profitsharing/return-orders').post({ json: { out_order_no: data.out_order_no, out_return_no: number('RT'), return_mchid: RECEIVER_MCHID, amount: 151, description: 'too much' } }), 403, 'NOT_ENOUGH');
    await apiError(live.wxpay.chain('v3/profitsharing/return-orders').post({ json: { out_order_no: data.out_order_no, out_return_no: number('RT'), return_mchid: '1900000999', amount: 1, description: 'x' } }), 400, 'INVALID_REQUEST');

    await apiError(order(transaction_id, 101), 400, 'INVALID_REQUEST');
    expect((await order(transaction_id, 100)).data.state).to.equal('PROCESSING');
  });

  it('unfreezes the rest: the unsplit amount goes to 0 and no more orders are taken', async () => {
    const transaction_id = await settled(600, true);
    const { data } = await live.wxpay.chain('v3/profitsharing/orders/unfreeze').post({ json: { transaction_id, out_order_no: number('UF'), description: 'done' } });
    expect(data).to.include({ state: 'FINISHED', transaction_id });
    expect((await live.wxpay.chain('v3/profitsharing/transactions/{transaction_id}/amounts').get({ transaction_id })).data.unsplit_amount).to.equal(0);
    await apiError(order(transaction_id, 10), 400, 'INVALID_REQUEST');
  });

  it('refuses an order not placed for profit sharing, an unknown transaction, a receiver never added, and bad receivers', async () => {
    await apiError(order(await settled(1000, false), 10), 400, 'INVALID_REQUEST');
    await apiError(order('4200000000000000000000000001', 10), 404, 'RESOURCE_NOT_EXISTS');
    const transaction_id = await settled(1000, true);
    await apiError(order(transaction_id, 10, { receivers: [{ type: 'MERCHANT_ID', account: '1900000777', amount: 10, description: 'x' }] }), 400, 'PARAM_ERROR', { field: 'receivers[0].account', location: 'body' });
    await apiError(order(transaction_id, 10, { receivers: [{ type: 'BANK', account: '1', amount: 10, description: 'x' }] }), 400, 'PARAM_ERROR', { field: 'receivers[0].type', location: 'body' });
    await apiError(order(transaction_id, 10, { receivers: [] }), 400, 'PARAM_ERROR', { field: 'receivers', location: 'body' });
    await apiError(live.wxpay.chain('v3/profitsharing/orders/{out_order_no}').get({ out_order_no: 'NOSUCHORDER', query: { transaction_id } }), 404, 'RESOURCE_NOT_EXISTS');
    await apiError(live.wxpay.chain('v3/profitsharing/receivers/add').post({ json: { appid: APPID, type: 'MERCHANT_ID', account: '1900000888', relation_type: 'STORE' } }), 400, 'PARAM_ERROR', { field: 'name', location: 'body' });
  });

  it('a personal receiver gets its share; the order number answers a retry with the same order', async () => {
    const transaction_id = await settled(1000, true);
    const json = { appid: APPID, transaction_id, out_order_no: number('PSP'), unfreeze_unsplit: true, receivers: [{ type: 'PERSONAL_OPENID' as const, account: OPENID, amount: 300, description: 'tip' }] };
    const first = await live.wxpay.chain('v3/profitsharing/orders').post({ json });
    const again = await live.wxpay.chain('v3/profitsharing/orders').post({ json });
    expect(again.data.order_id).to.equal(first.data.order_id);
    await apiError(live.wxpay.chain('v3/profitsharing/orders').post({ json: { ...json, receivers: [{ ...json.receivers[0], amount: 299 }] } }), 400, 'INVALID_REQUEST');
    expect((await live.wxpay.chain('v3/profitsharing/transactions/{transaction_id}/amounts').get({ transaction_id })).data.unsplit_amount).to.equal(0);
  });
});
