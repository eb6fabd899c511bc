// Merchant transfer over the real loopback server: user_name encrypted with the platform key
// (wxpay.encrypt) and named by Wechatpay-Serial, or the documented PARAM_ERROR; queries, cancel,
// the user's confirmation with MCHTRANSFER.BILL.FINISHED, and NOT_ENOUGH.
import { expect } from 'chai';
import { ArgumentError, Rsa } from '../../../lib/index.js';
import { isSignedBy, send } from '../support.js';
import { apiError, APPID, jsapiOrder, liveSandbox, number, OPENID } from './support.js';

const TRANSFERS = 'v3/fund-app/mch-transfer/transfer-bills';

describe('Sandbox flows: merchant transfer (商家转账)', () => {
  const live = liveSandbox();
  before(async () => {
    // Fund the basic account with a payment of 3,000 yuan.
    const out_trade_no = number('FUND');
    await live.wxpay.chain('v3/pay/transactions/native').post({ json: { ...jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url, 300_000), payer: undefined } });
    await live.sandbox.pay(out_trade_no);
  });

  const bill = (extra: object = {}): Record<string, any> => ({
    appid: APPID, out_bill_no: number('TB'), transfer_scene_id: '1000', openid: OPENID, transfer_amount: 500, transfer_remark: 'bonus',
    notify_url: live.endpoint.url, transfer_scene_report_infos: [{ info_type: '活动名称', info_content: 'sandbox' }], ...extra,
  });
  // Bodies are loose on purpose: the specs send invalid ones too.
  const create = (json: object, headers?: Record<string, string>) => live.wxpay.chain(TRANSFERS).post({ json: json as never, ...(headers ? { headers } : {}) });

  it('accepts a user_name encrypted by wxpay.encrypt (RSA-OAEP, the key Wechatpay-Serial names), waits for the user, then finishes with a callback', async () => {
    const json = bill({ user_name: live.wxpay.encrypt('张三') });
    const { data } = await create(json);
    expect(data).to.include({ out_bill_no: json.out_bill_no, state: 'WAIT_USER_CONFIRM' });
    expect(data.package_info).to.be.a('string').and.not.equal('');
    expect(data.transfer_bill_no).to.match(/^1330000\d{27}$/);

    const arrived = live.endpoint.next('MCHTRANSFER.BILL.FINISHED');
    const { callback } = await live.sandbox.confirmTransfer(json.out_bill_no);
    expect(callback).to.include({ state: 'delivered' });
    const event = await arrived;
    expect(event.resource).to.include({ out_bill_no: json.out_bill_no, state: 'SUCCESS', transfer_amount: 500, mch_id: live.sandbox.mchid });
    expect(event.resource).not.to.have.property('user_name');

    const byNumber = await live.wxpay.chain(`${TRANSFERS}/out-bill-no/{out_bill_no}`).get({ out_bill_no: json.out_bill_no });
    const byId = await live.wxpay.chain(`${TRANSFERS}/transfer-bill-no/{transfer_bill_no}`).get({ transfer_bill_no: data.transfer_bill_no });
    expect(byNumber.data).to.deep.equal(byId.data);
    expect(byNumber.data).to.include({ state: 'SUCCESS', openid: OPENID });
    // Answered sealed under the merchant's key, as WeChat Pay does: the client opens it with the key it holds.
    expect(byNumber.data.user_name).to.not.equal(json.user_name);
    expect(live.wxpay.decrypt(byNumber.data.user_name!)).to.equal('张三');
  });

  it('refuses a user_name in plain text (the client, before sending), encrypted with another key, or named by another Wechatpay-Serial, naming the field', async () => {
    const seen = live.sandbox.books.balance;
    const clear = await create(bill({ user_name: '张三' })).catch((caught: unknown) => caught);
    expect(clear).to.be.instanceOf(ArgumentError).and.include({ code: 'ERR_CIPHERTEXT', attempts: 0 });
    expect(live.sandbox.books.balance, 'nothing transferred').to.equal(seen);
    const other = Rsa.encrypt('张三', Rsa.from(live.sandbox.merchant.publicKey, Rsa.KEY_TYPE_PUBLIC));
    await apiError(create(bill({ user_name: other })), 400, 'PARAM_ERROR', { field: 'user_name', location: 'body' });
    await apiError(create(bill({ user_name: live.wxpay.encrypt('张三') }), { 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000000000000000000000' }), 400, 'PARAM_ERROR', { field: 'Wechatpay-Serial', location: 'header' });
  });

  it('refuses an encrypted user_name without a Wechatpay-Serial header (a hand-signed request)', async () => {
    const body = JSON.stringify(bill({ user_name: live.wxpay.encrypt('张三') }));
    const answer = await send(live.sandbox, live.server.url, { method: 'POST', target: `/${TRANSFERS}`, body });
    expect(answer.status).to.equal(400);
    expect(answer.json).to.include({ code: 'PARAM_ERROR' });
    expect(answer.json.detail).to.deep.equal({ field: 'Wechatpay-Serial', location: 'header' });
    expect(isSignedBy(live.sandbox, answer)).to.equal(true);
  });

  it('requires user_name from 2,000 yuan, refuses it below 0.3 yuan, and checks the required fields', async () => {
    await apiError(create(bill({ transfer_amount: 200_000 })), 400, 'PARAM_ERROR', { field: 'user_name', location: 'body' });
    await apiError(create(bill({ transfer_amount: 29, user_name: live.wxpay.encrypt('张三') })), 400, 'PARAM_ERROR', { field: 'user_name', location: 'body' });
    await apiError(create(bill({ transfer_scene_report_infos: [] })), 400, 'PARAM_ERROR', { field: 'transfer_scene_report_infos', location: 'body' });
    await apiError(create(bill({ transfer_amount: 0 })), 400, 'PARAM_ERROR', { field: 'transfer_amount', location: 'body' });
    await apiError(create(bill({ openid: undefined })), 400, 'PARAM_ERROR', { field: 'openid', location: 'body' });
  });

  it('NOT_ENOUGH beyond the basic account; a cancelled or failed transfer gives the money back', async () => {
    const balance = live.sandbox.books.balance;
    await apiError(create(bill({ transfer_amount: balance + 1, user_name: live.wxpay.encrypt('张三') })), 403, 'NOT_ENOUGH');
    const cancelled = bill({ transfer_amount: 1000 });
    await create(cancelled);
    expect(live.sandbox.books.balance).to.equal(balance - 1000);
    const { data } = await live.wxpay.chain(`${TRANSFERS}/out-bill-no/{out_bill_no}/cancel`).post({ out_bill_no: cancelled.out_bill_no });
    expect(data).to.include({ state: 'CANCELLED', out_bill_no: cancelled.out_bill_no });
    expect(live.sandbox.books.balance).to.equal(balance);
    await apiError(live.wxpay.chain(`${TRANSFERS}/out-bill-no/{out_bill_no}/cancel`).post({ out_bill_no: cancelled.out_bill_no }), 400, 'INVALID_REQUEST');

    const failed = bill({ transfer_amount: 700 });
    await create(failed);
    const { transfer } = await live.sandbox.confirmTransfer(failed.out_bill_no, { state: 'FAIL' });
    expect(transfer).to.include({ state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' });
    expect(live.sandbox.books.balance).to.equal(balance);
  });

  it('answers a retry with the same bill, other content under the number with INVALID_REQUEST, an unknown number with NOT_FOUND', async () => {
    const json = bill();
    const first = await create(json);
    expect((await create(json)).data.transfer_bill_no).to.equal(first.data.transfer_bill_no);
    await apiError(create({ ...json, transfer_amount: 501 }), 400, 'INVALID_REQUEST');
    await apiError(live.wxpay.chain(`${TRANSFERS}/out-bill-no/{out_bill_no}`).get({ out_bill_no: 'NOSUCHBILL' }), 404, 'NOT_FOUND');
  });

  it('answers a retry whose user_name was encrypted again (other bytes, the same name) with the same bill, another name with INVALID_REQUEST', async () => {
    const json = bill({ user_name: live.wxpay.encrypt('张三') });
    const first = await create(json);
    const again = { ...json, user_name: live.wxpay.encrypt('张三') };
    expect(again.user_name).to.not.equal(json.user_name);
    expect((await create(again)).data.transfer_bill_no).to.equal(first.data.transfer_bill_no);
    await apiError(create({ ...json, user_name: live.wxpay.encrypt('李四') }), 400, 'INVALID_REQUEST');
  });
});
