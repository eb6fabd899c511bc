// Bills over the real loopback server: trade (ALL, SUCCESS, REFUND) and fund-flow bills of
// today written from the sandbox's own books in WeChat Pay's CSV layout; download_url served on
// the unsigned download path, gzipped when asked, with the SHA-1 of the uncompressed bill.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { send } from '../support.js';
import { apiError, jsapiOrder, liveSandbox, number, today } from './support.js';

/** Splits a bill into header, rows (backticks stripped) and summary. */
function parse(text: string) {
  const lines = text.split('\r\n').filter(Boolean);
  const header = lines[0]!.split(',');
  const strip = (line: string) => line.split(',').map((field) => {
    expect(field.startsWith('`'), `field ${field} of ${line}`).to.equal(true);
    return field.slice(1);
  });
  const rows = lines.slice(1, -2).map((line) => Object.fromEntries(strip(line).map((value, index) => [header[index]!, value])));
  const summaryHeader = lines.at(-2)!.split(',');
  const summary = Object.fromEntries(strip(lines.at(-1)!).map((value, index) => [summaryHeader[index]!, value]));
  return { header, rows, summary };
}

describe('Sandbox flows: bills', () => {
  const live = liveSandbox({ refundDelay: null });
  const paid: string[] = [];
  before(async () => {
    for (const total of [1000, 250]) {
      const out_trade_no = number('BILL');
      await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url, total, { attach: 'a' }) });
      await live.sandbox.pay(out_trade_no);
      paid.push(out_trade_no);
    }
    const unpaid = number('BILLU');
    await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, unpaid, live.endpoint.url, 999) });
    const { data } = await live.wxpay.chain('v3/refund/domestic/refunds').post({ json: { out_trade_no: paid[0], out_refund_no: number('BR'), amount: { refund: 300, total: 1000, currency: 'CNY' } } });
    await live.sandbox.refund(data.out_refund_no);
  });

  /** The bill behind `download_url`, as text, or as bytes for a gzipped one. */
  async function download(answer: { download_url: string }, responseType: 'text' | 'arraybuffer' = 'text') {
    const token = new URL(answer.download_url).searchParams.get('token')!;
    const file = await live.wxpay.chain('v3/billdownload/file').get({ query: { token }, responseType });
    return { headers: file.headers, data: file.data as string, bytes: file.data as Buffer };
  }

  it('writes the trade bill of today from the books: paid orders and refunds, the summary adding up, the SHA-1 matching', async () => {
    const { data } = await live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: today() } });
    expect(data.hash_type).to.equal('SHA1');
    expect(data.download_url.startsWith(`${live.server.url}v3/billdownload/file?token=`)).to.equal(true);
    const file = await download(data);
    expect(file.headers['wechatpay-signature'], 'downloads are not signed').to.equal(undefined);
    expect(createHash('sha1').update(file.data).digest('hex')).to.equal(data.hash_value);
    const { header, rows, summary } = parse(file.data);
    expect(header).to.have.length(27);
    expect(header.slice(0, 3)).to.deep.equal(['交易时间', '公众账号ID', '商户号']);
    expect(rows.map((row) => [row['商户订单号'], row['交易状态'], row['应结订单金额'], row['退款金额']])).to.deep.equal([
      [paid[0], 'SUCCESS', '10.00', '0.00'],
      [paid[1], 'SUCCESS', '2.50', '0.00'],
      [paid[0], 'REFUND', '0.00', '3.00'],
    ]);
    expect(rows[2]).to.include({ 退款状态: 'SUCCESS', 退款类型: 'ORIGINAL' });
    expect(summary).to.deep.equal({ 总交易单数: '3', 应结订单总金额: '12.50', 退款总金额: '3.00', 充值券退款总金额: '0.00', 手续费总金额: '0.05700', 订单总金额: '12.50', 申请退款总金额: '3.00' });
  });

  it('serves SUCCESS and REFUND bills with their own columns', async () => {
    const success = parse((await download((await live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: today(), bill_type: 'SUCCESS' } })).data)).data);
    expect(success.header).to.have.length(20);
    expect(success.rows.map((row) => row['交易状态'])).to.deep.equal(['SUCCESS', 'SUCCESS']);
    const refund = parse((await download((await live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: today(), bill_type: 'REFUND' } })).data)).data);
    expect(refund.header).to.include.members(['退款申请时间', '退款成功时间']);
    expect(refund.rows).to.have.length(1);
    expect(refund.rows[0]).to.include({ 交易状态: 'REFUND', 退款金额: '3.00' });
  });

  it('gzips when tar_type=GZIP; the SHA-1 is of the uncompressed bill', async () => {
    const { data } = await live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: today(), tar_type: 'GZIP' } });
    const file = await download(data, 'arraybuffer');
    const bytes = gunzipSync(file.bytes);
    expect(createHash('sha1').update(bytes).digest('hex')).to.equal(data.hash_value);
    expect(bytes.toString('utf8')).to.match(/^交易时间,/);
  });

  it('writes the fund-flow bill: payments in, refunds out, running balance', async () => {
    const { data } = await live.wxpay.chain('v3/bill/fundflowbill').get({ query: { bill_date: today() } });
    const file = await download(data);
    expect(createHash('sha1').update(file.data).digest('hex')).to.equal(data.hash_value);
    const { rows, summary } = parse(file.data);
    expect(rows.map((row) => [row['业务类型'], row['收支类型'], row['收支金额（元）'], row['账户结余（元）']])).to.deep.equal([
      ['交易', '收入', '10.00', '10.00'], ['交易', '收入', '2.50', '12.50'], ['退款', '支出', '3.00', '9.50'],
    ]);
    expect(summary).to.deep.equal({ 资金流水总笔数: '3', 收入笔数: '2', 收入金额: '12.50', 支出笔数: '1', 支出金额: '3.00' });
  });

  it('answers NO_STATEMENT_EXIST for a day without business, INVALID_REQUEST after today, PARAM_ERROR for a bad date or type', async () => {
    await apiError(live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: '2020-01-01' } }), 400, 'NO_STATEMENT_EXIST');
    await apiError(live.wxpay.chain('v3/bill/fundflowbill').get({ query: { bill_date: today(), account_type: 'OPERATION' } }), 400, 'NO_STATEMENT_EXIST');
    await apiError(live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: '2999-01-01' } }), 400, 'INVALID_REQUEST');
    await apiError(live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: '2024-02-30' } }), 400, 'PARAM_ERROR', { field: 'bill_date', location: 'query' });
    // @ts-expect-error the types refuse this request too; the sandbox must refuse it on the wire
    await apiError(live.wxpay.chain('v3/bill/tradebill').get({ query: {} }), 400, 'PARAM_ERROR', { field: 'bill_date', location: 'query' });
    // @ts-expect-error the types refuse this request too; the sandbox must refuse it on the wire
    await apiError(live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: today(), bill_type: 'BOTH' } }), 400, 'PARAM_ERROR', { field: 'bill_type', location: 'query' });
    // @ts-expect-error the types refuse this request too; the sandbox must refuse it on the wire
    await apiError(live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: today(), tar_type: 'ZIP' } }), 400, 'PARAM_ERROR', { field: 'tar_type', location: 'query' });
  });

  it('the download request must be signed like any other; an unknown token is refused', async () => {
    const { data } = await live.wxpay.chain('v3/bill/tradebill').get({ query: { bill_date: today() } });
    const target = new URL(data.download_url);
    const unsigned = await send(live.sandbox, live.server.url, { target: target.pathname + target.search, authorization: null });
    expect(unsigned.status).to.equal(401);
    expect(unsigned.json.code).to.equal('SIGN_ERROR');
    await apiError(live.wxpay.chain('v3/billdownload/file').get({ query: { token: 'nosuchtoken' }, responseType: 'text' }), 400, 'INVALID_REQUEST');
  });
});
