import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { Builder } from '../../lib/client.js';
import { ApiError, ArgumentError, TransportError, VerificationError, WechatpayError } from '../../lib/errors.js';
import type { WechatpayClient } from '../../lib/types.js';
import { fileServer, type FileServer } from './file-server.js';

const BILL = Buffer.from('\ufeff交易时间,公众账号ID,商户号\r\n`2026-11-22 10:00:00,`wx1234567890abcdef,`1900000109\r\n总交易单数,应结订单总金额\r\n`1,`0.01\r\n');

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error);
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('download: signed GET, digest-checked, gunzipped, streamed', () => {
  let server: FileServer;
  let wxpay: WechatpayClient;
  before(async () => {
    server = await fileServer();
    wxpay = Builder.factory(server.config);
    server.bills.set('2026-11-22', { body: BILL });
  });
  afterEach(() => {
    server.requests.length = 0;
  });
  after(() => server.close());

  it('goes from the bill answer to verified bytes, plain or gzipped on the wire', async () => {
    for (const tar_type of [undefined, 'GZIP'] as const) {
      const { data: bill } = await wxpay.v3.bill.tradebill.get({ query: { bill_date: '2026-11-22', ...(tar_type ? { tar_type } : {}) } });
      const bytes = await wxpay.download(bill);
      expect(bytes.equals(BILL)).to.equal(true);
    }
  });

  it('streams with { stream: true }', async () => {
    const stream = await wxpay.download(server.serve({ body: BILL, gzip: true }), { stream: true });
    expect((await drain(stream)).equals(BILL)).to.equal(true);
  });

  it('checks SHA256 too, over the uncompressed bytes', async () => {
    const answer = { ...server.serve({ body: BILL, gzip: true }), hash_type: 'SHA256', hash_value: createHash('sha256').update(BILL).digest('hex').toUpperCase() };
    expect((await wxpay.download(answer)).equals(BILL)).to.equal(true);
  });

  it('rejects a wrong digest with ERR_DIGEST; in stream mode the stream errors at the end', async () => {
    for (const gzip of [false, true]) {
      const answer = { ...server.serve({ body: BILL, gzip }), hash_value: '0'.repeat(40) };
      const error = await failure(wxpay.download(answer));
      expect(error).to.be.instanceOf(VerificationError);
      expect((error as VerificationError).code).to.equal('ERR_DIGEST');
      const stream = await wxpay.download({ ...server.serve({ body: BILL, gzip }), hash_value: '0'.repeat(40) }, { stream: true });
      const streamed = await failure(drain(stream));
      expect((streamed as VerificationError).code).to.equal('ERR_DIGEST');
    }
  });

  it('hands over files of zero and one byte, digest checked', async () => {
    for (const body of [Buffer.alloc(0), Buffer.from('x')]) {
      expect((await wxpay.download(server.serve({ body }))).equals(body)).to.equal(true);
      expect((await drain(await wxpay.download(server.serve({ body }), { stream: true }))).equals(body)).to.equal(true);
    }
  });

  it('rejects bytes that claim gzip but do not inflate with ERR_DIGEST', async () => {
    const { download_url } = server.serve({ body: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(64, 7)]) });
    const error = await failure(wxpay.download({ download_url }));
    expect((error as VerificationError).code).to.equal('ERR_DIGEST');
  });

  it('sends nothing for an encrypted entry whose encrypt_key the merchant key cannot unwrap (ERR_DECRYPT), and hands raw bytes over by URL', async () => {
    const entry = { ...server.serve({ body: BILL }), encrypt_key: 'a0YK7p+9XaKzE9N4qtFfG/9za1oqKlLXXJWBkWQZ3UqSPQCguK6uLA==', nonce: 'a8607ef79034c49c' };
    const error = await failure(wxpay.download(entry));
    expect((error as WechatpayError).code).to.equal('ERR_DECRYPT');
    expect(server.requests).to.deep.equal([]);
    expect((await wxpay.download(entry.download_url)).equals(BILL)).to.equal(true);
  });

  it('downloads fapiao files: fapiao-files answers a download_url on v3/new-tax-control-fapiao/download, same origin, unsigned', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 1)]);
    const token = new URL(server.serve({ body: pdf }).download_url).searchParams.get('token')!;
    const { data } = await wxpay.chain('v3/new-tax-control-fapiao/fapiao-applications/{fapiao_apply_id}/fapiao-files').get({ fapiao_apply_id: token, query: { sub_mchid: '1900000109', fapiao_id: 'F-1' } });
    const [info] = data.fapiao_download_info_list!;
    expect(new URL(info!.download_url!).pathname).to.equal('/v3/new-tax-control-fapiao/download');
    expect((await wxpay.download(info as { download_url: string })).equals(pdf)).to.equal(true);
    // The list answer names files; it is not one.
    const listed = await failure(wxpay.download(data as never));
    expect((listed as ArgumentError).code).to.equal('ERR_ARGUMENT');
    expect((listed as Error).message).to.include('fapiao_download_info_list[i]');
    // The OpenAPI description's example host (pay.wechatpay.cn/invoicing/…) is not a download origin.
    const example = await failure(wxpay.download({ download_url: 'https://pay.wechatpay.cn/invoicing/fapiao/fapiao-file' }));
    expect((example as ArgumentError).code).to.equal('ERR_DOWNLOAD_URL');
  });

  it('takes a plain path below baseURL', async () => {
    const { download_url } = server.serve({ body: BILL });
    expect((await wxpay.download(new URL(download_url).pathname + new URL(download_url).search)).equals(BILL)).to.equal(true);
  });

  it('turns WeChat Pay JSON error answers into ApiErrors', async () => {
    const answer = server.serve({ body: BILL, error: { status: 400, code: 'INVALID_REQUEST', message: 'token expired' } });
    const error = await failure(wxpay.download(answer));
    expect(error).to.be.instanceOf(ApiError);
    expect(error).to.include({ code: 'INVALID_REQUEST', message: 'token expired', status: 400, requestId: 'rid-file' });
  });

  it('turns a connection reset mid-file into a TransportError', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 'a');
    for (const stream of [false, true]) {
      const answer = server.serve({ body: big, resetAfter: 1024 * 1024 });
      const error = await failure(stream ? wxpay.download(answer, { stream: true }).then(drain) : wxpay.download(answer));
      expect(error).to.be.instanceOf(TransportError);
    }
  });

  it('ends a stalled download at its timeout (ERR_TIMEOUT), body included, and on the caller\'s abort', async () => {
    const stalled = () => server.serve({ body: Buffer.alloc(1024 * 1024, 'a'), resetAfter: 64 * 1024, stall: true });
    const timedOut = await failure(wxpay.download(stalled(), { timeout: 300 }));
    expect(timedOut).to.be.instanceOf(TransportError);
    expect((timedOut as TransportError).code).to.equal('ERR_TIMEOUT');
    const streamed = await failure(wxpay.download(stalled(), { stream: true, timeout: 300 }).then(drain));
    expect((streamed as TransportError).code).to.equal('ERR_TIMEOUT');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const aborted = await failure(wxpay.download(stalled(), { stream: true, timeout: 0, signal: controller.signal }).then(drain));
    expect(aborted).to.be.instanceOf(TransportError);
  });

  it('streams a large gzipped bill in flat memory', async () => {
    const MB = 1024 * 1024;
    const block = Buffer.from('`2026-11-22 10:00:00,`wx1234567890abcdef,`1900000109,`4200000000000000,`0.01\r\n'.repeat(1000));
    const blocks = Math.ceil((96 * MB) / block.length);
    const generate = () => Readable.from((function* () {
      for (let i = 0; i < blocks; i += 1) yield block;
    })(), { objectMode: false });
    const hash = createHash('sha1');
    for (let i = 0; i < blocks; i += 1) hash.update(block);
    const { download_url } = server.serve({ body: Buffer.alloc(0), generate, gzip: true });
    const stream = await wxpay.download({ download_url, hash_type: 'SHA1', hash_value: hash.digest('hex') }, { stream: true, timeout: 0 });
    // Buffers live outside the JS heap: count both.
    const used = () => {
      global.gc?.();
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const before = used();
    let bytes = 0;
    let peak = 0;
    let next = 8 * MB;
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length;
      if (bytes >= next) {
        next += 8 * MB;
        peak = Math.max(peak, used() - before);
      }
    }
    expect(bytes).to.equal(blocks * block.length);
    // 96 MB went through; holding it would cost that much. What stays reachable is stream and socket
    // buffers, of this client and of the in-process server.
    expect(peak).to.be.below(24 * MB);
  });

  describe('a download_url elsewhere is refused, nothing sent (ERR_DOWNLOAD_URL)', () => {
    const foreign = (origin: string) => [
      'https://api.mch.weixin.qq.com/v3/billdownload/file?token=x',
      `${origin.replace('127.0.0.1', 'localhost')}/v3/billdownload/file?token=x`,
      `${origin.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 1}`)}/v3/billdownload/file?token=x`,
      `${origin.replace('http:', 'https:')}/v3/billdownload/file?token=x`,
      `${origin.replace('http://', 'http://user@')}/v3/billdownload/file?token=x`,
      `http://${origin.slice(7)}@evil.example/v3/billdownload/file?token=x`,
      `${origin}/v3/bill/tradebill?bill_date=2026-11-22`,
      `${origin}/v3/merchant-service/images/upload`,
      'javascript:alert(1)',
      '',
    ];
    it('another host, port or scheme, credentials, user@host, a signed path, junk', async () => {
      for (const url of foreign(server.origin)) {
        const error = await failure(wxpay.download({ download_url: url, hash_type: 'SHA1', hash_value: '0'.repeat(40) }));
        expect(error, url).to.be.instanceOf(ArgumentError);
        expect((error as ArgumentError).code, url).to.equal('ERR_DOWNLOAD_URL');
      }
      expect(server.requests).to.deep.equal([]);
    });

    it('follows backupBaseURL\'s origin as well', async () => {
      const backup = Builder.factory({ ...server.config, baseURL: 'https://api.mch.weixin.qq.com/', backupBaseURL: server.url } as never);
      expect((await backup.download(server.serve({ body: BILL }))).equals(BILL)).to.equal(true);
    });
  });
});
