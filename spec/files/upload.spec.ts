import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { Builder } from '../../lib/client.js';
import { ArgumentError } from '../../lib/errors.js';
import type { WechatpayClient } from '../../lib/types.js';
import { fileServer, type FileServer } from './file-server.js';

describe('upload: multipart bodies signed over their meta JSON', () => {
  let server: FileServer;
  let wxpay: WechatpayClient;
  before(async () => {
    server = await fileServer();
    wxpay = Builder.factory(server.config);
  });
  afterEach(() => {
    server.uploads.length = 0;
    server.requests.length = 0;
  });
  after(() => server.close());

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  it('sends a Buffer as meta {filename, sha256} + file; the server verifies the signature over the meta', async () => {
    const png = randomBytes(5 * 1024 * 1024);
    const { data } = await wxpay.v3.merchant.media.upload.post({ upload: { filename: 'logo.png', data: png } });
    expect(data.media_id).to.equal('media-1');
    const [got] = server.uploads;
    expect(got!.metaText).to.equal(JSON.stringify({ filename: 'logo.png', sha256: sha256(png) }));
    expect(got!.metaContentType).to.equal('application/json');
    expect(got!.filename).to.equal('logo.png');
    expect(got!.field).to.equal('file');
    expect(got!.fileContentType).to.equal('image/png');
    expect(got!.file.equals(png)).to.equal(true);
  });

  it('takes a Readable (read once, no size given), a Uint8Array and a Blob alike', async () => {
    const video = randomBytes(20 * 1024 * 1024);
    const pieces = Array.from({ length: 20 }, (_, i) => video.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    await wxpay.v3.merchant.media.video_upload.post({ upload: { filename: 'a.mp4', data: Readable.from(pieces) } });
    const bytes = new Uint8Array(randomBytes(1000));
    await wxpay.chain('v3/marketing/favor/media/image-upload').post({ upload: { filename: 'b.jpg', data: bytes, contentType: 'image/jpeg' } });
    const blob = new Blob([Buffer.from('gif89a')], { type: 'image/gif' });
    await wxpay['v3/merchant-service/images/upload'].post({ upload: { filename: 'c.gif', data: blob } });
    expect(server.uploads.map((u) => [u.path, u.file.length, u.fileContentType])).to.deep.equal([
      ['/v3/merchant/media/video_upload', video.length, 'video/mp4'],
      ['/v3/marketing/favor/media/image-upload', 1000, 'image/jpeg'],
      ['/v3/merchant-service/images/upload', 6, 'image/gif'],
    ]);
    expect(server.uploads[0]!.file.equals(video)).to.equal(true);
  });

  it('puts meta extras after the computed fields, signed as sent; only the computed fields the endpoint has (shopping receipts: sha256, no filename)', async () => {
    const data = Buffer.from('receipt');
    await wxpay.v3.marketing.shoppingReceipt.shoppingreceipts.post({ upload: { filename: 'r.png', data, meta: { transaction_id: '4200000000', openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } } });
    expect(server.uploads[0]!.metaText).to.equal(`{"sha256":"${sha256(data)}","transaction_id":"4200000000","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}`);
    expect(server.uploads[0]!.filename).to.equal('r.png');
  });

  it('sends the meta as given where the endpoint names the file and its digest otherwise (file_name, file_digest), and its own text fields unsigned', async () => {
    const data = Buffer.from('licence');
    const meta = { file_name: 'licence.png', file_digest: sha256(data) };
    await wxpay.v3.mchManage.submissionFiles.subMchid._sub_mchid_.upload.post({ sub_mchid: '1900000110', upload: { filename: 'licence.png', data, meta, fields: { item_id: 56, manage_record_id: 'r-56' } } });
    const [got] = server.uploads;
    expect(got!.metaText).to.equal(JSON.stringify(meta));
    expect(got!.fields).to.deep.equal({ item_id: '56', manage_record_id: 'r-56' });
    expect(got!.path).to.equal('/v3/mch-manage/submission-files/sub-mchid/1900000110/upload');
    expect(got!.field).to.equal('submission_file');
    expect(got!.file.equals(data)).to.equal(true);
  });

  it('computes filename and sha256 for a template outside the registry', async () => {
    const data = Buffer.from('unknown');
    await wxpay.chain('v3/some-new-family/media/upload').post({ upload: { filename: 'n.png', data } });
    expect(server.uploads[0]!.metaText).to.equal(JSON.stringify({ filename: 'n.png', sha256: sha256(data) }));
  });

  it('refuses a meta field the endpoint computes, and no other (ERR_UPLOAD, nothing sent)', async () => {
    const error = await wxpay.v3.marketing.shoppingReceipt.shoppingreceipts
      .post({ upload: { filename: 'r.png', data: Buffer.from('r'), meta: { transaction_id: '1', openid: 'o', sha256: 'x' } as never } })
      .then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ArgumentError);
    expect((error as ArgumentError).message).to.include('upload.meta.sha256');
    expect(server.requests).to.deep.equal([]);
  });

  describe('refused with ERR_UPLOAD before any byte is sent', () => {
    const cases: [string, unknown][] = [
      ['no filename', { data: Buffer.from('x') }],
      ['an empty filename', { filename: ' ', data: Buffer.from('x') }],
      ['a filename with a quote', { filename: 'a".png', data: Buffer.from('x') }],
      ['no data', { filename: 'a.png' }],
      ['data of another kind', { filename: 'a.png', data: 'text' }],
      ['an empty Buffer', { filename: 'a.png', data: Buffer.alloc(0) }],
      ['an empty Readable', { filename: 'a.png', data: Readable.from([]) }],
      ['a Buffer over 20 MB', { filename: 'a.mp4', data: Buffer.alloc(20 * 1024 * 1024 + 1) }],
      ['a Blob over 20 MB', { filename: 'a.mp4', data: new Blob([Buffer.alloc(20 * 1024 * 1024 + 1)]) }],
      ['meta overriding sha256', { filename: 'a.png', data: Buffer.from('x'), meta: { sha256: 'x' } }],
      ['fields that are not an object', { filename: 'a.png', data: Buffer.from('x'), fields: ['x'] }],
      ['a field named meta', { filename: 'a.png', data: Buffer.from('x'), fields: { meta: '{}' } }],
      ['a field name with a quote', { filename: 'a.png', data: Buffer.from('x'), fields: { 'a"b': '1' } }],
      ['a field that is an object', { filename: 'a.png', data: Buffer.from('x'), fields: { item_id: { id: 1 } } }],
      ['a field that is not a finite number', { filename: 'a.png', data: Buffer.from('x'), fields: { item_id: Number.NaN } }],
      ['a field named as the file part', { filename: 'a.png', data: Buffer.from('x'), fields: { file: 'x' } }],
    ];
    for (const [label, upload] of cases) {
      it(label, async () => {
        const error = await wxpay.v3.merchant.media.upload.post({ upload: upload as never }).then(() => undefined, (e: unknown) => e);
        expect(error).to.be.instanceOf(ArgumentError);
        expect((error as ArgumentError).code).to.equal('ERR_UPLOAD');
        expect(server.requests).to.deep.equal([]);
      });
    }

    it('a Readable over 20 MB stops being read at the limit', async () => {
      let pulled = 0;
      const endless = new Readable({
        read() {
          pulled += 1024 * 1024;
          this.push(Buffer.alloc(1024 * 1024));
        },
      });
      const error = await wxpay.v3.merchant.media.video_upload.post({ upload: { filename: 'v.mp4', data: endless } }).then(() => undefined, (e: unknown) => e);
      expect((error as ArgumentError).code).to.equal('ERR_UPLOAD');
      expect(pulled).to.be.below(24 * 1024 * 1024);
      expect(endless.destroyed).to.equal(true);
      expect(server.requests).to.deep.equal([]);
    });

    it('upload with json is ERR_OPTIONS', async () => {
      // @ts-expect-error the types refuse it too: an upload endpoint takes no json
      const error = await wxpay.v3.merchant.media.upload.post({ upload: { filename: 'a.png', data: Buffer.from('x') }, json: {} }).then(() => undefined, (e: unknown) => e);
      expect((error as ArgumentError).code).to.equal('ERR_OPTIONS');
    });
  });
});
