// Encrypted bill files (sub-merchant and e-commerce fund-flow bills): the sandbox serves each part
// AES-256-GCM encrypted, its key RSA-OAEP wrapped to the merchant certificate; wxpay.download
// unwraps the key with the client's private key and decrypts as the bytes stream.
import { expect } from 'chai';
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Bill, Builder } from '../../lib/index.js';
import { rejection } from '../support/rejection.js';
import { jsapiOrder, liveSandbox, number, today } from '../testing/flows/support.js';

describe('download: encrypted bill files', () => {
  const live = liveSandbox({ refundDelay: null });
  before(async () => {
    const out_trade_no = number('ENC');
    await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, out_trade_no, live.endpoint.url, 1234) });
    await live.sandbox.pay(out_trade_no);
  });
  const subMerchantBill = async (tar_type?: 'GZIP') =>
    (await live.wxpay.v3.bill.subMerchantFundflowbill.get({ query: { sub_mchid: '1900000110', bill_date: today(), account_type: 'BASIC', algorithm: 'AEAD_AES_256_GCM', ...(tar_type ? { tar_type } : {}) } })).data;

  it('decrypts a sub-merchant fund-flow bill, plain and gzipped, and checks its SHA-1', async () => {
    for (const tar_type of [undefined, 'GZIP'] as const) {
      const answer = await subMerchantBill(tar_type);
      expect(answer.download_bill_count).to.equal(1);
      const [entry] = answer.download_bill_list!;
      expect(entry!.encrypt_key).to.be.a('string');
      const text = (await live.wxpay.download(entry!)).toString('utf8');
      const bill = Bill.parse(text);
      // The paid order's 12.34 yuan came in.
      expect(bill.rows.some((row) => row['收支类型'] === '收入' && row['收支金额（元）'] === '12.34'), text).to.equal(true);
      expect(Number(bill.summary['资金流水总笔数'])).to.equal(bill.rows.length);
    }
  });

  it('decrypts an e-commerce fund-flow bill as a stream', async () => {
    const { data } = await live.wxpay.v3.ecommerce.bill.fundflowbill.get({ query: { bill_date: today(), account_type: 'ALL', algorithm: 'AEAD_AES_256_GCM', tar_type: 'GZIP' } });
    const rows: Record<string, string>[] = [];
    for await (const row of Bill.rows(await live.wxpay.download(data.download_bill_list![0]!, { stream: true }))) rows.push(row);
    expect(rows.length).to.be.greaterThan(0);
    expect(rows[0]).to.have.property('收支金额（元）');
  });

  it('refuses the whole answer (one part at a time), an entry without nonce, and unwraps nothing it cannot', async () => {
    const answer = await subMerchantBill();
    expect(await rejection(live.wxpay.download(answer as never))).to.include({ name: 'ArgumentError', code: 'ERR_ARGUMENT' });
    const [entry] = answer.download_bill_list!;
    expect(await rejection(live.wxpay.download({ ...entry!, nonce: '' }))).to.include({ code: 'ERR_ARGUMENT' });
    expect(await rejection(live.wxpay.download({ ...entry!, encrypt_key: 'bm90IGEga2V5' }))).to.include({ code: 'ERR_DECRYPT' });
  });

  it('fails closed: a wrong nonce or another key is ERR_DECRYPT (Buffer and stream), a wrong hash_value ERR_DIGEST', async () => {
    const [entry] = (await subMerchantBill('GZIP')).download_bill_list!;
    expect(await rejection(live.wxpay.download({ ...entry!, nonce: 'ffffffffffffffff' }))).to.include({ code: 'ERR_DECRYPT' });
    const [again] = (await subMerchantBill()).download_bill_list!;
    const merchantPublic = live.sandbox.clientConfig().privateKey;
    const otherKey = publicEncrypt({ key: merchantPublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, randomBytes(32)).toString('base64');
    // A small file fails before the stream is handed over, a large one at its end: either way, never a clean end.
    const error = await rejection((async () => {
      for await (const chunk of await live.wxpay.download({ ...again!, encrypt_key: otherKey }, { stream: true })) void chunk;
    })());
    expect(error).to.include({ code: 'ERR_DECRYPT' });
    const [third] = (await subMerchantBill()).download_bill_list!;
    expect(await rejection(live.wxpay.download({ ...third!, hash_value: '0'.repeat(40) }))).to.include({ code: 'ERR_DIGEST' });
  });

  it('a connection reset mid-file is a TransportError, not a decryption error', async () => {
    const server = createServer((request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '100000' });
      response.write(randomBytes(40_000), () => request.socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const wxpay = Builder.factory({ ...live.sandbox.clientConfig(), baseURL: base });
      const merchantPublic = live.sandbox.clientConfig().privateKey;
      const encrypt_key = publicEncrypt({ key: merchantPublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, randomBytes(32)).toString('base64');
      const error = await rejection(wxpay.download({ download_url: `${base}v3/billdownload/file?token=t`, encrypt_key, nonce: 'a8607ef79034c49c', hash_type: 'SHA1', hash_value: '0'.repeat(40) }));
      expect(error.name).to.equal('TransportError');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
