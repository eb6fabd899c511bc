// The lifecycle in-process through msw: the client talks to sandbox.handlers, and the sandbox's
// callbacks (node:http requests to 127.0.0.1) are answered by an msw handler that verifies them
// with Notifications. The control routes are not served there: msw's base URL is not loopback.
import { expect } from 'chai';
import { http, HttpResponse } from 'msw';
import { Builder, Notifications, type NotificationEvent } from '../../../lib/index.js';
import { mswGateway } from '../../support/gateway.js';
import { jsapiOrder, number, today } from './support.js';

const NOTIFY_URL = 'http://127.0.0.1:65000/wxpay/notify';

describe('Sandbox flows through msw: prepay → pay → callback → query → refund → refund callback → bill', () => {
  const { sandbox, use, seen } = mswGateway();
  const wxpay = Builder.factory(sandbox.clientConfig());
  const notifications = new Notifications({ apiv3Key: sandbox.apiv3Key, certs: sandbox.clientConfig().certs });
  after(() => sandbox.close());

  it('runs the whole lifecycle, every answer verified, every callback verified and decrypted', async () => {
    const events: NotificationEvent<any>[] = [];
    use(http.post(NOTIFY_URL, async ({ request }) => {
      events.push(await notifications.verify(Buffer.from(await request.arrayBuffer()), request.headers));
      return new HttpResponse(null, { status: 204 });
    }));
    const out_trade_no = number('MSW');
    const { data: prepay } = await wxpay.v3.pay.transactions.jsapi.post({ json: jsapiOrder(sandbox.mchid, out_trade_no, NOTIFY_URL, 2000) });
    expect(prepay.prepay_id).to.match(/^wx/);

    const { callback } = await sandbox.pay(out_trade_no);
    expect(callback).to.include({ state: 'delivered' });
    expect(events.map((event) => [event.event_type, event.resource.out_trade_no])).to.deep.equal([['TRANSACTION.SUCCESS', out_trade_no]]);

    const { data: order } = await wxpay.chain('v3/pay/transactions/id/{transaction_id}').get({ transaction_id: events[0]!.resource.transaction_id, query: { mchid: sandbox.mchid } });
    expect(order).to.include({ trade_state: 'SUCCESS', out_trade_no });

    const { data: refund } = await wxpay.v3.refund.domestic.refunds.post({ json: { out_trade_no, out_refund_no: number('MSWR'), notify_url: NOTIFY_URL, amount: { refund: 2000, total: 2000, currency: 'CNY' } } });
    expect(refund.status).to.equal('PROCESSING');
    await sandbox.refund(refund.out_refund_no);
    expect(events.map((event) => event.event_type)).to.deep.equal(['TRANSACTION.SUCCESS', 'REFUND.SUCCESS']);

    const { data: bill } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: today() } });
    expect(bill.download_url.startsWith('https://api.mch.weixin.qq.com/v3/billdownload/file?token=')).to.equal(true);
    const { data: text } = await wxpay.v3.billdownload.file.get({ query: { token: new URL(bill.download_url).searchParams.get('token')! }, responseType: 'text' });
    expect(String(text)).to.contain(`\`${out_trade_no},`);
    expect(seen.filter((request) => request.url === NOTIFY_URL)).to.have.length(2);
  });

  it('does not serve the control routes to msw requests: they fall to the signature check', async () => {
    const response = await fetch('https://api.mch.weixin.qq.com/sandbox/callbacks');
    expect(response.status).to.equal(401);
    expect((await response.json()).code).to.equal('SIGN_ERROR');
  });
});
