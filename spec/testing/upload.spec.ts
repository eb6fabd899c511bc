// The sandbox reads uploads as WeChat Pay does: the signature covers the meta JSON as sent, and the
// file part must hash to meta.sha256. The multipart body is parsed by undici's FormData reader.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Builder } from '../../lib/index.js';
import { Sandbox, type ListeningSandbox } from '../../lib/testing/index.js';
import { authorizationFor } from './support.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000'.padEnd(400, '0'), 'hex');

describe('Sandbox: media uploads', () => {
  const sandbox = new Sandbox();
  let server: ListeningSandbox;
  before(async () => (server = await sandbox.listen()));
  after(() => server.close());

  it('answers a client upload (Buffer image, Readable video) with a signed media_id', async () => {
    const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: server.url }));
    const image = await wxpay.v3.merchant.media.upload.post({ upload: { filename: 'logo.png', data: PNG } });
    expect(image.data.media_id).to.be.a('string').and.not.equal('');
    const video = await wxpay.v3.merchant.media.video_upload.post({ upload: { filename: 'clip.mp4', data: Readable.from([Buffer.alloc(64 * 1024, 1), Buffer.alloc(1024, 2)]) } });
    expect(video.data.media_id).to.be.a('string').and.not.equal('');
  });

  it('sends the file in the field the facts name (submission_file), and the sandbox holds an endpoint to its field', async () => {
    const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: server.url }));
    const fields = { item_id: 56, manage_record_id: 'r-56' };
    const { data } = await wxpay.v3.mchManage.submissionFiles.subMchid._sub_mchid_.upload.post({ sub_mchid: '1900000110', upload: { filename: 'licence.png', data: PNG, meta: { file_name: 'licence.png', file_digest: sha256(PNG) }, fields } });
    expect(data.file_id).to.be.a('string').and.not.equal('');
    const meta = JSON.stringify({ filename: 'licence.png', sha256: sha256(PNG) });
    const misfiled = await post(meta, PNG, 'licence.png', meta, { target: '/v3/mch-manage/submission-files/sub-mchid/1900000110/upload', field: 'file' });
    expect(misfiled.status).to.equal(400);
    expect(misfiled.json).to.include({ code: 'PARAM_ERROR' });
    expect(misfiled.json.message).to.include('submission_file');
    // Its own text fields are required by its facts, and checked as text: item_id must be a number.
    const target = '/v3/mch-manage/submission-files/sub-mchid/1900000110/upload';
    const withoutFields = await post(meta, PNG, 'licence.png', meta, { target, field: 'submission_file' });
    expect(withoutFields).to.deep.include({ status: 400 });
    expect(withoutFields.json.message).to.include('item_id');
    const notANumber = await post(meta, PNG, 'licence.png', meta, { target, field: 'submission_file' }, undefined, { item_id: 'x', manage_record_id: 'r' });
    expect(notANumber.json.message).to.match(/item_id.*number/);
    expect((await post(meta, PNG, 'licence.png', meta, { target, field: 'submission_file' }, undefined, { item_id: '56', manage_record_id: 'r' })).status).to.equal(200);
  });

  it('serves an upload of a custom operations list as the client sends it: filename and sha256 in meta, whatever its facts list', async () => {
    // Off the generated uploads table, the client fills both computed fields (it cannot know
    // better), so the sandbox requires both: the same rule on either side of the wire.
    const custom = new Sandbox({
      operations: [{
        template: 'v3/custom/media/upload', method: 'post', request: 'multipart', answer: 'json', status: 200,
        upload: { field: 'file', meta: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] } },
        response: { type: 'object', properties: { media_id: { type: 'string' } }, required: ['media_id'] },
      }],
    });
    const listening = await custom.listen();
    try {
      const wxpay = Builder.factory(custom.clientConfig({ baseURL: listening.url }));
      const { data } = await wxpay['v3/custom/media/upload'].post<{ media_id: string }>({ upload: { filename: 'a.png', data: PNG, meta: { note: 'n' } } });
      expect(data.media_id).to.be.a('string').and.not.equal('');
      const target = '/v3/custom/media/upload';
      const send = (meta: string) => post(meta, PNG, 'a.png', meta, { target, field: 'file', to: { sandbox: custom, url: listening.url } });
      expect((await send(JSON.stringify({ note: 'n', filename: 'a.png' }))).json).to.include({ code: 'PARAM_ERROR', message: 'meta.sha256 is missing' });
      expect((await send(JSON.stringify({ note: 'n', sha256: sha256(PNG) }))).json).to.include({ code: 'PARAM_ERROR', message: 'meta.filename is missing' });
      const noNote = await send(JSON.stringify({ filename: 'a.png', sha256: sha256(PNG) }));
      expect(noNote).to.deep.include({ status: 400 });
      expect(noNote.json.message).to.include('note');
      expect((await send(JSON.stringify({ note: 'n', filename: 'a.png', sha256: sha256(PNG) }))).status).to.equal(200);
    } finally {
      await listening.close();
    }
  });

  /** A hand-made upload: `meta` and the file part (and `second`, `fields`), signed over `signedBody`, to this describe's sandbox unless `where.to` names another. */
  async function post(meta: string, file: Buffer, filename: string, signedBody = meta, where: { target: string; field: string; to?: { sandbox: Sandbox; url: string } } = { target: '/v3/merchant/media/upload', field: 'file' }, second?: Buffer, fields: Record<string, string> = {}) {
    const form = new FormData();
    form.append('meta', new Blob([meta], { type: 'application/json' }));
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append(where.field, new Blob([new Uint8Array(file)], { type: 'image/png' }), filename);
    if (second) form.append('extra', new Blob([new Uint8Array(second)], { type: 'image/png' }), 'extra.png');
    const { target, to = { sandbox, url: server.url } } = where;
    const authorization = authorizationFor(to.sandbox, { method: 'POST', target, body: meta, signedBody });
    const response = await fetch(new URL(target.slice(1), to.url), { method: 'POST', body: form, headers: { Authorization: authorization!, Accept: 'application/json' } });
    return { status: response.status, json: (await response.json()) as { code: string; message: string } };
  }
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  it('checks the signature over the meta JSON, not the multipart body (401 otherwise)', async () => {
    const meta = JSON.stringify({ filename: 'a.png', sha256: sha256(PNG) });
    expect((await post(meta, PNG, 'a.png')).status).to.equal(200);
    const forged = await post(meta, PNG, 'a.png', JSON.stringify({ filename: 'b.png', sha256: sha256(PNG) }));
    expect(forged.status).to.equal(401);
    expect(forged.json.code).to.equal('SIGN_ERROR');
  });

  it('refuses a file that is not the one meta describes (400 PARAM_ERROR)', async () => {
    const other = Buffer.concat([PNG, Buffer.of(0)]);
    const wrongDigest = await post(JSON.stringify({ filename: 'a.png', sha256: sha256(PNG) }), other, 'a.png');
    expect(wrongDigest).to.deep.include({ status: 400 });
    expect(wrongDigest.json).to.include({ code: 'PARAM_ERROR' });
    expect(wrongDigest.json.message).to.match(/sha256/);
    const wrongName = await post(JSON.stringify({ filename: 'a.png', sha256: sha256(PNG) }), PNG, 'b.png');
    expect(wrongName.json.message).to.match(/filename/);
    // filename and sha256 are required where the operation's meta has them (its facts), and must describe the file.
    const noDigest = await post(JSON.stringify({ filename: 'a.png' }), PNG, 'a.png');
    expect(noDigest).to.deep.include({ status: 400 });
    expect(noDigest.json).to.include({ code: 'PARAM_ERROR', message: 'meta.sha256 is missing' });
    const noName = await post(JSON.stringify({ sha256: sha256(PNG) }), PNG, 'a.png');
    expect(noName.json).to.include({ code: 'PARAM_ERROR', message: 'meta.filename is missing' });
    const notJson = await post('{filename', PNG, 'a.png');
    expect(notJson.json).to.include({ code: 'PARAM_ERROR', message: 'meta is not JSON' });
    // A second file part beside the one meta describes would be bytes nobody hashed or signed.
    const meta = JSON.stringify({ filename: 'a.png', sha256: sha256(PNG) });
    const twoFiles = await post(meta, PNG, 'a.png', meta, undefined, PNG);
    expect(twoFiles).to.deep.include({ status: 400 });
    expect(twoFiles.json.message).to.match(/2 file parts/);
  });
});
