// The Sandbox object itself: keys and ids, the self-signed certificate, the client
// configuration it hands out, and the fault switches' bookkeeping.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { Rsa } from '../../lib/crypto/rsa.js';
import { selfSignedCertificate } from '../../lib/testing/certificate.js';
import { FAULTS, Faults, Sandbox } from '../../lib/testing/index.js';
import { KEYS } from './support.js';

describe('Sandbox', () => {
  it('derives ids from its keys: sandboxes sharing keys share ids', () => {
    const first = new Sandbox({ keys: KEYS });
    const second = new Sandbox({ keys: first.keys });
    expect(first.merchant.serial).to.match(/^[0-9A-F]{40}$/).and.equal(second.merchant.serial);
    expect(first.platform.id).to.match(/^PUB_KEY_ID_011900000109\d{16}$/).and.equal(second.platform.id);
  });

  it('accepts keys as PEM too', () => {
    const pem = (key: typeof KEYS.merchant) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const sandbox = new Sandbox({ keys: { merchant: pem(KEYS.merchant), platform: pem(KEYS.platform) } });
    expect(sandbox.merchant.serial).to.equal(new Sandbox({ keys: KEYS }).merchant.serial);
  });

  it('hands out a client configuration, merging extra options', () => {
    const sandbox = new Sandbox({ keys: KEYS, mchid: '1230000109' });
    const config = sandbox.clientConfig({ baseURL: 'http://127.0.0.1:1/', timeout: 5000 });
    expect(config).to.include({ mchid: '1230000109', serial: sandbox.merchant.serial, baseURL: 'http://127.0.0.1:1/', timeout: 5000 });
    expect(Object.keys(config.certs)).to.deep.equal([sandbox.platform.id]);
    expect(config.certs[sandbox.platform.id]!.export({ type: 'spki', format: 'pem' })).to.equal(sandbox.platform.publicKey);
    expect(config.privateKey.export({ type: 'pkcs8', format: 'pem' })).to.equal(sandbox.merchant.privateKey);
    expect(sandbox.clientConfig().baseURL).to.equal('https://api.mch.weixin.qq.com/');
  });

  it('shows no private key when inspected or serialised', () => {
    const sandbox = new Sandbox({ keys: KEYS });
    const body = sandbox.merchant.privateKey.split('\n')[1]!;
    expect(inspect(sandbox, { depth: 5 })).not.to.include(body).and.not.to.include('PRIVATE KEY');
    expect(JSON.stringify(sandbox)).not.to.include('PRIVATE KEY');
  });

  it('refuses an unknown mode', () => {
    expect(() => new Sandbox({ keys: KEYS, mode: 'x509' as 'pubkey' })).to.throw(TypeError, /unknown sandbox mode/);
  });

  describe('certificate mode', () => {
    it('makes a self-signed certificate that verifies with the platform key; its serial is the platform id', () => {
      const sandbox = new Sandbox({ keys: KEYS, mode: 'certificate' });
      const certificate = new X509Certificate(sandbox.platform.certificate!);
      expect(certificate.verify(createPublicKey(KEYS.platform))).to.equal(true);
      expect(certificate.publicKey.export({ type: 'spki', format: 'pem' })).to.equal(sandbox.platform.publicKey);
      expect(sandbox.platform.id).to.equal(Rsa.serial(certificate)).and.match(/^[0-9A-F]{40}$/);
      expect(certificate.subject).to.include('CN=Wechatpay sandbox platform');
      expect(new Date(certificate.validTo).getTime()).to.be.above(Date.now() + 4 * 365 * 86400_000);
    });

    it('encodes serials in DER minimal form', () => {
      for (const [bytes, serial] of [['00000f12', '0F12'], ['ff', 'FF'], ['7f', '7F']] as const) {
        const pem = selfSignedCertificate({ privateKey: KEYS.platform, serial: Buffer.from(bytes, 'hex'), commonName: 'x' });
        expect(new X509Certificate(pem).serialNumber.toUpperCase()).to.equal(serial);
      }
    });
  });

  describe('faults', () => {
    it('next() hits the next requests only, each switch independently', () => {
      const faults = new Faults().next('tamper-body', 2).next('reset');
      expect([...faults.draw()]).to.have.members(['tamper-body', 'reset']);
      expect([...faults.draw()]).to.deep.equal(['tamper-body']);
      expect(faults.draw().size).to.equal(0);
    });

    it('rate() is evenly spread and deterministic; 0 turns it off', () => {
      const faults = new Faults().rate('system-error', 0.25);
      const hits = Array.from({ length: 12 }, () => faults.draw().has('system-error'));
      expect(hits.flatMap((hit, i) => (hit ? [i + 1] : []))).to.deep.equal([4, 8, 12]);
      faults.rate('system-error', 0);
      expect(faults.draw().size).to.equal(0);
      const third = new Faults().rate('delay', 1 / 3);
      expect(Array.from({ length: 6 }, () => third.draw().has('delay'))).to.deep.equal([false, false, true, false, false, true]);
    });

    it('clear() turns every switch off', () => {
      const faults = new Faults().next('delay', 5).rate('reset', 1).clear();
      expect(faults.draw().size).to.equal(0);
    });

    it('refuses unknown faults and bad numbers', () => {
      expect(() => new Faults().next('explode' as 'reset')).to.throw(TypeError);
      expect(() => new Faults().next('reset', -1)).to.throw(RangeError);
      expect(() => new Faults().rate('reset', 2)).to.throw(RangeError);
      expect(FAULTS).to.have.length(8);
    });
  });
});
