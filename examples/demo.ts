// `npm start`: a whole payment lifecycle against a local WeChat Pay sandbox on 127.0.0.1. No
// account, no network: prepay → pay → callback → query → refund → refund callback → bill, each
// step on one line, then a tampered answer the client must refuse.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bill, Builder, Notifications, VerificationError, type NotificationEvent, type ResponseOf } from '../lib/index.js';
import { Sandbox } from '../lib/testing/index.js';

const OUT_TRADE_NO = `DEMO${Date.now()}`;
const OUT_REFUND_NO = `${OUT_TRADE_NO}R1`;

let step = 0;
const line = (text: string) => console.log(`  ${String(++step).padStart(2)}. ${text}`);

/** A merchant's callback endpoint built with Notifications; resolves each event as it arrives. */
async function callbackEndpoint(notifications: Notifications) {
  const waiting = new Map<string, (event: NotificationEvent) => void>();
  const server = createServer(notifications.handler((event) => waiting.get(event.event_type)?.(event)));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wxpay/notify`,
    /** The next event of `eventType`, its resource typed as `T` (what the matching query answers). */
    next: <T>(eventType: string) => new Promise<NotificationEvent<T>>((done) => waiting.set(eventType, done as (event: NotificationEvent) => void)),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function main(): Promise<void> {
  const sandbox = new Sandbox({ refundDelay: 300 });
  const gateway = await sandbox.listen();
  const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: gateway.url, timeout: 5000 }));
  const endpoint = await callbackEndpoint(new Notifications({ apiv3Key: sandbox.apiv3Key, certs: sandbox.clientConfig().certs }));
  try {
    console.log(`wechatpay-ts demo: a payment lifecycle against the sandbox at ${gateway.url} (merchant ${sandbox.mchid})`);

    const { data: prepay } = await wxpay.v3.pay.transactions.jsapi.post({
      json: {
        appid: 'wx1234567890abcdef', mchid: sandbox.mchid, description: 'demo: one cup of tea', out_trade_no: OUT_TRADE_NO,
        notify_url: endpoint.url, amount: { total: 1200, currency: 'CNY' }, payer: { openid: 'oWmnN4xxxxxxxxxxe92NHIGf1xd8' },
      },
    });
    line(`prepay   POST v3/pay/transactions/jsapi → prepay_id ${prepay.prepay_id}`);

    const paid = endpoint.next<ResponseOf<'v3/pay/transactions/id/{transaction_id}', 'get'>>('TRANSACTION.SUCCESS');
    await sandbox.pay(OUT_TRADE_NO);
    line(`pay      sandbox.pay('${OUT_TRADE_NO}') → the payer pays 12.00 CNY`);
    const payment = (await paid).resource;
    line(`callback TRANSACTION.SUCCESS verified and decrypted by Notifications → ${payment.trade_state}, transaction_id ${payment.transaction_id}`);

    const { data: order } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: OUT_TRADE_NO, query: { mchid: sandbox.mchid } });
    line(`query    GET v3/pay/transactions/out-trade-no/{out_trade_no} → ${order.trade_state} (${order.trade_state_desc}), ${order.amount?.payer_total} fen paid`);

    const refunded = endpoint.next<ResponseOf<'v3/refund/domestic/refunds/{out_refund_no}', 'get'>>('REFUND.SUCCESS');
    const { data: refund } = await wxpay.v3.refund.domestic.refunds.post({
      json: { out_trade_no: OUT_TRADE_NO, out_refund_no: OUT_REFUND_NO, reason: 'demo', notify_url: endpoint.url, amount: { refund: 500, total: 1200, currency: 'CNY' } },
    });
    line(`refund   POST v3/refund/domestic/refunds → ${refund.status}, refund_id ${refund.refund_id}`);
    const refundEvent = await refunded;
    line(`callback ${refundEvent.event_type} → ${refundEvent.resource.amount.refund} fen back to the payer`);

    const billDate = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const { data: bill } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: billDate, tar_type: 'GZIP' } });
    const table = Bill.parse(await wxpay.download(bill));
    line(`bill     GET v3/bill/tradebill ${billDate} → wxpay.download (gunzip, SHA-1 checked) → Bill.parse: ${table.rows.length} rows, ${table.summary['总交易单数']} trades`);

    sandbox.faults.next('tamper-body');
    try {
      await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: OUT_TRADE_NO, query: { mchid: sandbox.mchid } });
      throw new Error('a tampered answer was accepted');
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      line(`tamper   an answer altered after signing is refused: ${error.code}`);
    }
    console.log(`\nAll ${step} steps behaved as expected. Sandbox stopped.`);
  } finally {
    sandbox.close();
    await endpoint.close();
    await gateway.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? `${error.name} ${(error as { code?: string }).code ?? ''}: ${error.message}` : String(error)}`);
  process.exitCode = 1;
});
