import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { http, HttpResponse } from 'msw';
import { AesGcm, ApiError, Formatter, Rsa, VerificationError, WechatpayError, downloadCertificates } from '../lib/index.js';
import { Sandbox } from '../lib/testing/index.js';
import { mswGateway, sharedKeys } from './support/gateway.js';

const CERTIFICATES = 'https://api.mch.weixin.qq.com/v3/certificates';

describe('downloadCertificates', () => {
  const gateway = mswGateway('certificate');
  const { sandbox } = gateway;
  const options = () => ({ ...sandbox.merchant, apiv3Key: sandbox.apiv3Key });
  const rejection = (promise: Promise<unknown>) => promise.then(() => expect.fail('the download must fail'), (error: unknown) => error as WechatpayError);

  /** An answer signed by the sandbox's platform key, as if WeChat Pay had sent it. */
  function signedAnswer(body: object, serial = sandbox.platform.id): HttpResponse<string> {
    const text = JSON.stringify(body);
    const timestamp = String(Formatter.timestamp());
    const nonce = Formatter.nonce();
    return new HttpResponse(text, {
      status: 200,
      headers: {
        'Content-Type': 'application/json',
        'Wechatpay-Timestamp': timestamp,
        'Wechatpay-Nonce': nonce,
        'Wechatpay-Serial': serial,
        'Wechatpay-Signature': Rsa.sign(Formatter.response(timestamp, nonce, text), sandbox.keys.platform),
      },
    });
  }
  /** One `data[]` entry holding the sandbox's certificate, with changes. */
  function entry(change: { serial_no?: string; algorithm?: string; apiv3Key?: string } = {}) {
    const nonce = Formatter.nonce(12);
    return {
      serial_no: change.serial_no ?? sandbox.platform.id,
      effective_time: '2024-01-01T00:00:00+08:00',
      expire_time: '2029-01-01T00:00:00+08:00',
      encrypt_certificate: {
        algorithm: change.algorithm ?? 'AEAD_AES_256_GCM',
        nonce,
        associated_data: 'certificate',
        ciphertext: AesGcm.encrypt(sandbox.platform.certificate!, change.apiv3Key ?? sandbox.apiv3Key, nonce, 'certificate'),
      },
    };
  }


  it('downloads, decrypts and verifies the sandbox certificate in certificate mode', async () => {
    const certificates = await downloadCertificates(options());
    expect([...certificates.keys()]).to.deep.equal([sandbox.platform.id]);
    const cert = certificates.get(sandbox.platform.id)!;
    expect(cert.certificate).to.equal(sandbox.platform.certificate);
    expect(cert.publicKey.equals(Rsa.from(sandbox.platform.publicKey, Rsa.KEY_TYPE_PUBLIC))).to.equal(true);
    expect(cert.expireTime.getTime()).to.equal(new Date(new X509Certificate(cert.certificate).validTo).getTime());
    expect(cert.effectiveTime.getTime()).to.be.at.most(Date.now());
    // The request was signed (the sandbox checks), and named no WeChat Pay key, having none yet.
    const [request] = gateway.seen;
    expect(request!.headers.get('Authorization')).to.match(/^WECHATPAY2-SHA256-RSA2048 /);
    expect(request!.headers.has('Wechatpay-Serial')).to.equal(false);
  });

  it('surfaces a public-key-only merchant as ApiError 404 RESOURCE_NOT_EXISTS', async () => {
    const pubkey = new Sandbox({ keys: sharedKeys(), mode: 'pubkey' });
    gateway.use(...pubkey.handlers);
    const error = await rejection(downloadCertificates({ ...pubkey.merchant, apiv3Key: pubkey.apiv3Key }));
    expect(error).to.be.instanceOf(ApiError);
    expect(error).to.include({ status: 404, code: 'RESOURCE_NOT_EXISTS' });
  });

  it('fails with ERR_DECRYPT under a wrong APIv3 key, without showing either key', async () => {
    const wrong = `${sandbox.apiv3Key.slice(1)}Z`;
    const error = await rejection(downloadCertificates({ ...options(), apiv3Key: wrong }));
    expect(error.code).to.equal('ERR_DECRYPT');
    const shown = [inspect(error, { showHidden: true, depth: 8 }), JSON.stringify(error), String(error.stack), inspect(error.cause)].join('\n');
    expect(shown).not.to.include(wrong);
    expect(shown).not.to.include(sandbox.apiv3Key);
    expect(shown).not.to.include(sandbox.merchant.privateKey.split('\n')[3]!);
  });

  it('refuses an APIv3 key that is not 32 bytes before any request, with ERR_CONFIG', async () => {
    for (const apiv3Key of ['short', 'x'.repeat(33)]) {
      expect((await rejection(downloadCertificates({ ...options(), apiv3Key }))).code).to.equal('ERR_CONFIG');
    }
    expect(gateway.seen).to.have.length(0);
  });

  it('refuses a certificate filed under another serial with ERR_CERTIFICATE', async () => {
    gateway.use(http.get(CERTIFICATES, () => signedAnswer({ data: [entry({ serial_no: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' })] })));
    const error = await rejection(downloadCertificates(options()));
    expect(error.code).to.equal('ERR_CERTIFICATE');
    expect(error.message).to.include('5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
  });

  it('refuses an unknown algorithm with ERR_ALGORITHM', async () => {
    gateway.use(http.get(CERTIFICATES, () => signedAnswer({ data: [entry({ algorithm: 'AEAD_AES_128_GCM' })] })));
    expect((await rejection(downloadCertificates(options()))).code).to.equal('ERR_ALGORITHM');
  });

  it('verifies the download with the certificates it carried: tampered, unknown-serial and probe answers fail', async () => {
    for (const [fault, code] of [['tamper-body', 'ERR_RESPONSE_SIGNATURE'], ['wrong-serial', 'ERR_RESPONSE_SERIAL'], ['probe-signature', 'ERR_SIGNATURE_PROBE']] as const) {
      sandbox.faults.next(fault);
      const error = await rejection(downloadCertificates(options()));
      expect(error, fault).to.be.instanceOf(VerificationError);
      expect(error.code).to.equal(code);
    }
    // Signed by a key that is neither carried nor trusted.
    gateway.use(http.get(CERTIFICATES, () => signedAnswer({ data: [entry()] }, 'PUB_KEY_ID_0000000000000000000000000000')));
    expect((await rejection(downloadCertificates(options()))).code).to.equal('ERR_RESPONSE_SERIAL');
  });

  it('accepts a download signed by an already trusted key, and sends that key as Wechatpay-Serial', async () => {
    const trusted = new Map([['PUB_KEY_ID_0119000001090000000000000001', Rsa.from(sandbox.platform.publicKey, Rsa.KEY_TYPE_PUBLIC)]]);
    gateway.use(http.get(CERTIFICATES, () => signedAnswer({ data: [entry()] }, 'PUB_KEY_ID_0119000001090000000000000001')));
    const certificates = await downloadCertificates({ ...options(), trusted });
    expect([...certificates.keys()]).to.deep.equal([sandbox.platform.id]);
    expect(gateway.seen[0]!.headers.get('Wechatpay-Serial')).to.equal('PUB_KEY_ID_0119000001090000000000000001');
  });
});
