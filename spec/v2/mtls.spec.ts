// Mutual TLS with a test CA made by openssl, on 127.0.0.1 only.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { Builder } from '../../lib/index.js';
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

describe('APIv2: mutual TLS (test CA, 127.0.0.1)', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-mtls-'));
  const sandbox = new SandboxV2();
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
