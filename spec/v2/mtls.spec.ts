// Mutual TLS with a test CA made by openssl, on 127.0.0.1 only.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import axios from 'axios';
import FormData from 'form-data';
import { Builder, Hash } from '../../lib/index.js';
import { SandboxV2 } from '../../lib/testing/index.js';

function pki(dir: string) {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test CA');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const name of ['server', 'client']) {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', ...(name === 'server' ? ['-extfile', 'server.ext'] : []));
  }
  run('pkcs12', '-export', '-in', 'client.pem', '-inkey', 'client.key', '-out', 'client.p12', '-passout', 'pass:1900000109');
  const read = (file: string) => readFileSync(join(dir, file));
  return { ca: read('ca.pem'), server: { cert: read('server.pem'), key: read('server.key') }, client: { cert: read('client.pem'), key: read('client.key') } };
}

describe('APIv2: mutual TLS (test CA, 127.0.0.1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-mtls-'));
  const secret = 'mtls-spec-apiv2-key-0123456789ab';
  const sandbox = new SandboxV2({ secret });
  let url = '';
  let close: () => Promise<void>;
  let material: ReturnType<typeof pki>;
  const out_trade_no = 'MTLS1';

  before(async () => {
    material = pki(dir);
    ({ url, close } = await sandbox.listen({ tls: { ...material.server, ca: material.ca } }));
    sandbox.state.orders.set(out_trade_no, { appid: sandbox.appid, out_trade_no, transaction_id: '42000001', body: 'b', total_fee: 10, trade_type: 'NATIVE', trade_state: 'SUCCESS', openid: 'o', sign_type: 'MD5', paid_at: new Date() });
  });
  after(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });
  const refund = (out_refund_no: string) => ({ appid: sandbox.appid, mch_id: sandbox.mchid, out_trade_no, out_refund_no, total_fee: 10, refund_fee: 1 });

  it('refund with security: true and { cert, key } (file://) is served; refundquery sees it', async () => {
    // The other calls trust the test CA through the client's own agent; security calls get its options plus the certificate.
    const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: url, httpsAgent: new Agent({ ca: material.ca }), merchant: { cert: `file://${join(dir, 'client.pem')}`, key: `file://${join(dir, 'client.key')}` } }));
    const { data } = await wxpay.v2.secapi.pay.refund.post({ xml: refund('R-PEM'), security: true });
    expect(data).to.include({ out_refund_no: 'R-PEM', refund_fee: '1' });
    const query = await wxpay.v2.pay.refundquery.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, out_refund_no: 'R-PEM' } });
    expect(query.data.refund_status_0).to.equal('PROCESSING');
  });

  it('refund with { pfx, passphrase } is served', async () => {
    const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: url, merchant: { pfx: readFileSync(join(dir, 'client.p12')), passphrase: '1900000109', ca: material.ca } }));
    const { data } = await wxpay.v2.secapi.pay.refund.post({ xml: refund('R-P12'), security: true });
    expect(data.out_refund_no).to.equal('R-P12');
  });

  it('without the client certificate, the server refuses the refund', async () => {
    const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: url, httpsAgent: new Agent({ ca: material.ca }) }));
    const error = await wxpay.v2.secapi.pay.refund.post({ xml: refund('R-NONE') }).then(() => undefined, (e: unknown) => e);
    expect(error).to.include({ name: 'ApiError', code: 'FAIL', message: 'CERT_REQUIRED' });
  });

  describe('media upload (v2/secapi/mch/uploadmedia): a signed form over mutual TLS', () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4096)]);
    const client = () => Builder.factory(sandbox.clientConfig({ baseURL: url, httpsAgent: new Agent({ ca: material.ca }), merchant: { cert: material.client.cert, key: material.client.key } }));

    it('sends mch_id, media_hash (MD5 of the file), sign_type and their sign with the file; the server checks each and answers a signed media_id', async () => {
      for (const sign_type of [undefined, 'HMAC-SHA256'] as const) {
        const { status, data } = await client().v2.secapi.mch.uploadmedia.post({ upload: { filename: 'id.png', data: png }, security: true, ...(sign_type ? { xml: { sign_type } } : {}) });
        expect(status).to.equal(200);
        expect(data).to.include({ return_code: 'SUCCESS', result_code: 'SUCCESS', mch_id: sandbox.mchid });
        expect(data.media_id).to.match(/^[\w-]{32}$/);
      }
      // A stream is read once, and the bytes hashed are the bytes sent: the server recomputes the MD5.
      const streamed = await client().chain('v2/secapi/mch/uploadmedia').post({ upload: { filename: 'id.png', data: Readable.from([png.subarray(0, 100), png.subarray(100)]), contentType: 'image/png' }, security: true });
      expect(streamed.data.result_code).to.equal('SUCCESS');
    });

    it('without the client certificate the upload is refused (CERT_REQUIRED)', async () => {
      const error = await client().v2.secapi.mch.uploadmedia.post({ upload: { filename: 'id.png', data: png } }).then(() => undefined, (e: unknown) => e);
      expect(error).to.include({ name: 'ApiError', code: 'FAIL', message: 'CERT_REQUIRED' });
    });

    it('the server refuses a form whose sign, media_hash, mch_id or parts do not hold, and a body of the wrong kind (what the client computes is what is checked)', async () => {
      const form = (fields: Record<string, string>, files: [string, Buffer][] = [['media', png]]) => {
        const body = new FormData();
        for (const [name, value] of Object.entries(fields)) body.append(name, value);
        for (const [name, bytes] of files) body.append(name, bytes, { filename: 'id.png' });
        return body;
      };
      const signed = (fields: Record<string, string>) => ({ ...fields, sign: Hash.sign('MD5', Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('&'), secret) });
      const md5 = createHash('md5').update(png).digest('hex');
      const good = signed({ mch_id: sandbox.mchid, media_hash: md5, sign_type: 'MD5' });
      const agent = new Agent({ ca: material.ca, cert: material.client.cert, key: material.client.key });
      const post = async (body: FormData | string, path = 'secapi/mch/uploadmedia', headers: Record<string, string> = {}) => {
        const answer = await axios.post(`${url}${path}`, typeof body === 'string' ? body : body.getBuffer(), { headers: typeof body === 'string' ? headers : body.getHeaders(), httpsAgent: agent, responseType: 'text' });
        return answer.data as string;
      };
      expect(await post(form(good))).to.include('<result_code><![CDATA[SUCCESS]]></result_code>');
      expect(await post(form({ ...good, media_hash: md5.replace(/^./, md5[0] === '0' ? '1' : '0') }))).to.include('签名错误');
      expect(await post(form(good, [['media', Buffer.concat([png, Buffer.from([0])])]]))).to.include('media_hash is not the MD5 of media');
      expect(await post(form(signed({ mch_id: '1900000110', media_hash: md5, sign_type: 'MD5' })))).to.include('mch_id mismatch');
      for (const files of [[['file', png]], [['media', png], ['media', png]], []] as [string, Buffer][][]) {
        expect(await post(form(good, files)), files.map(([name]) => name).join() || 'no file').to.include('one file part, named media, expected');
      }
      const empty = createHash('md5').update('').digest('hex');
      expect(await post(form(signed({ mch_id: sandbox.mchid, media_hash: empty, sign_type: 'MD5' }), [['media', Buffer.alloc(0)]]))).to.include('media is empty');
      // The upload takes a form and nothing else; the other operations take XML and nothing else.
      expect(await post('<xml><mch_id>1900000109</mch_id></xml>', 'secapi/mch/uploadmedia', { 'Content-Type': 'text/xml' })).to.include('multipart/form-data expected');
      expect(await post(form(good), 'pay/orderquery')).to.include('XML expected');
      expect(await post('--x\r\nnot a part', 'secapi/mch/uploadmedia', { 'Content-Type': 'multipart/form-data; boundary=x' })).to.include('multipart format error');
    });
  });

  it('a key that does not match the certificate is ERR_CONFIG at build, key material not quoted', () => {
    const other = execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], { stdio: 'pipe' }).toString();
    let error: any;
    try {
      Builder.factory(sandbox.clientConfig({ merchant: { cert: material.client.cert, key: other } }));
    } catch (e) {
      error = e;
    }
    expect(error?.code).to.equal('ERR_CONFIG');
    expect(error.message).not.to.include('PRIVATE KEY');
  });
});
