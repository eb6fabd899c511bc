// The bill the download bench serves: BENCH_BILL_MB (1024) of trade-bill rows, gzipped once into
// the temp folder and reused; its SHA1 is over the uncompressed bytes, as WeChat Pay's hash_value is.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const HEADER = '\ufeff交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n';

function row(i) {
  const seq = String(i).padStart(10, '0');
  const fen = (i * 7919) % 100000;
  const amount = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
  return `\`2026-11-22 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},\`wx1234567890abcdef,\`1900000109,\`0,\`,\`42000012342026112${seq},\`ORDER2026112200${seq},\`oUpF8uMuAJO_M2pxb1Q9zN${seq.slice(4)},\`JSAPI,\`SUCCESS,\`CMB_DEBIT,\`CNY,\`${amount},\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,\`咖啡,\`,\`0.00000,\`0.60%,\`${amount},\`0.00,\`\r\n`;
}

/** `{ file, sha1, bytes, wireBytes }` of the gzipped bill, made on first use. */
export async function billFile(megabytes = Number(process.env.BENCH_BILL_MB ?? 1024)) {
  const file = join(tmpdir(), `wechatpay-ts-bench-bill-${megabytes}mb.csv.gz`);
  const facts = `${file}.json`;
  if (existsSync(file) && existsSync(facts)) return { file, ...JSON.parse(readFileSync(facts, 'utf8')), wireBytes: statSync(file).size };
  const target = megabytes * 1024 * 1024;
  const hash = createHash('sha1');
  let bytes = 0;
  const rows = function* () {
    const head = Buffer.from(HEADER);
    hash.update(head);
    bytes += head.length;
    yield head;
    let i = 0;
    while (bytes < target) {
      let block = '';
      for (let j = 0; j < 2000; j += 1) block += row((i += 1));
      const chunk = Buffer.from(block);
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
    const tail = Buffer.from(`总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n\`${i},\`0.00,\`0.00,\`0.00,\`0.00,\`0.00,\`0.00\r\n`);
    hash.update(tail);
    bytes += tail.length;
    yield tail;
  };
  await pipeline(Readable.from(rows()), createGzip(), createWriteStream(`${file}.part`));
  renameSync(`${file}.part`, file);
  const result = { sha1: hash.digest('hex'), bytes };
  writeFileSync(facts, JSON.stringify(result));
  return { file, ...result, wireBytes: statSync(file).size };
}
