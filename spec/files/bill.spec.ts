import { Readable } from 'node:stream';
import { expect } from 'chai';
import { Bill } from '../../lib/files/bill.js';

const TRADE = [
  '\ufeff交易时间,公众账号ID,商户号,商品名称,订单金额',
  '`2026-11-22 10:00:00,`wx1234567890abcdef,`1900000109,`咖啡 "大杯",`12.50',
  '`2026-11-22 10:05:00,`wx1234567890abcdef,`1900000109,`面包,`3.00',
  '总交易单数,应结订单总金额,退款总金额',
  '`2,`15.50,`0.00',
  '',
].join('\r\n');

/** A trade bill of `count` rows, generated as it is read. */
function generated(count: number): Readable {
  return Readable.from((function* () {
    yield '\ufeff交易时间,商户订单号,订单金额\r\n';
    for (let i = 0; i < count; i += 1000) {
      let block = '';
      for (let j = i; j < Math.min(count, i + 1000); j += 1) block += `\`2026-11-22 10:00:00,\`order-${j},\`${(j % 997) / 100}\r\n`;
      yield block;
    }
    yield `总交易单数,应结订单总金额\r\n\`${count},\`0.00\r\n`;
  })(), { objectMode: false });
}

describe('Bill', () => {
  it('parse: columns, rows and summary; BOM and backticks stripped; Chinese headers as keys', () => {
    const bill = Bill.parse(TRADE);
    expect(bill.columns).to.deep.equal(['交易时间', '公众账号ID', '商户号', '商品名称', '订单金额']);
    expect(bill.rows).to.have.length(2);
    expect(bill.rows[0]).to.deep.equal({ 交易时间: '2026-11-22 10:00:00', 公众账号ID: 'wx1234567890abcdef', 商户号: '1900000109', 商品名称: '咖啡 "大杯"', 订单金额: '12.50' });
    expect(bill.summary).to.deep.equal({ 总交易单数: '2', 应结订单总金额: '15.50', 退款总金额: '0.00' });
    expect(Bill.parse(Buffer.from(TRADE)).summary).to.deep.equal(bill.summary);
  });

  it('parse: a bill with no rows still has its columns and summary', () => {
    const bill = Bill.parse('\ufeff资金流水号,业务名称\n资金流水总条数,收入笔数\n`0,`0\n');
    expect(bill).to.deep.equal({ columns: ['资金流水号', '业务名称'], rows: [], summary: { 资金流水总条数: '0', 收入笔数: '0' } });
  });

  it('rows: yields the row objects only, split across any chunk boundary', async () => {
    const bytes = Buffer.from(TRADE);
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    const rows = [];
    for await (const row of Bill.rows(Readable.from(chunks))) rows.push(row);
    expect(rows).to.deep.equal(Bill.parse(TRADE).rows);
  });

  it('rows: passes a source error on to the reader', async () => {
    const broken = new Readable({ read() { this.push('交易时间\n`a\n'); this.destroy(new Error('reset')); } });
    const error = await (async () => { for await (const _ of Bill.rows(broken)) void _; })().then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.equal('reset');
  });

  it('rows: a reader that stops early stops the source', async () => {
    const source = generated(100_000);
    for await (const row of Bill.rows(source)) if (row['商户订单号'] === 'order-10') break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed).to.equal(true);
  });

  it('rows: 1,000,000 rows in constant memory', async () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let peak = 0;
    for await (const row of Bill.rows(generated(1_000_000))) {
      count += 1;
      if (count % 100_000 === 0) {
        // What stays reachable, not the garbage between collections.
        global.gc?.();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
      if (count === 1_000_000) expect(row['商户订单号']).to.equal('order-999999');
    }
    expect(count).to.equal(1_000_000);
    // The bill is ~45 MB as text; holding it (or its rows) would cost far more than this.
    expect(peak).to.be.below(8 * 1024 * 1024);
  });
});
