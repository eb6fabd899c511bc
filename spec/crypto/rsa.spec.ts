import { execFileSync } from 'node:child_process';
import {
  KeyObject,
  X509Certificate,
  constants,
  createPrivateKey,
  privateDecrypt,
  publicEncrypt,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { ArgumentError, WechatpayError } from '../../lib/errors.js';
import { Rsa, type RsaKeyLike } from '../../lib/crypto/rsa.js';
import { fixtures, pemBody, type Fixtures } from './fixtures.js';

const MESSAGE = 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n';

function derBase64(pem: string): string {
  return pemBody(pem);
}

/** Runs `fn`, expects an ArgumentError with `code`, and checks that no secret leaked into its message. */
function expectArgumentError(fn: () => unknown, code: string, secrets: string[] = []): ArgumentError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'an error is thrown').to.be.instanceOf(ArgumentError);
  const error = caught as ArgumentError;
  expect(error.code).to.equal(code);
  expect(error.cause).to.equal(undefined);
  for (const secret of secrets.filter(Boolean)) {
    expect(error.message).not.to.include(secret);
    // A leak may be partial: no 24-character run of the secret either.
    for (let at = 0; at + 24 <= secret.length; at += 24) expect(error.message).not.to.include(secret.slice(at, at + 24));
  }
  return error;
}

describe('Rsa', () => {
  let f: Fixtures;
  before(() => {
    f = fixtures();
  });

  const signsAs = (privateKey: KeyObject) => {
    expect(privateKey).to.be.instanceOf(KeyObject);
    expect(privateKey.type).to.equal('private');
    expect(privateKey.asymmetricKeyType).to.equal('rsa');
    const signature = cryptoSign('sha256', Buffer.from(MESSAGE), privateKey);
    expect(cryptoVerify('sha256', Buffer.from(MESSAGE), f.publicKey, signature)).to.equal(true);
  };
  const verifiesAs = (publicKey: KeyObject) => {
    expect(publicKey).to.be.instanceOf(KeyObject);
    expect(publicKey.type).to.equal('public');
    expect(publicKey.asymmetricKeyType).to.equal('rsa');
    const signature = cryptoSign('sha256', Buffer.from(MESSAGE), f.privateKey);
    expect(cryptoVerify('sha256', Buffer.from(MESSAGE), publicKey, signature)).to.equal(true);
  };

  it('names its key types as wechatpay-php does', () => {
    expect(Rsa.KEY_TYPE_PRIVATE).to.equal('private');
    expect(Rsa.KEY_TYPE_PUBLIC).to.equal('public');
  });

  describe('from(…, KEY_TYPE_PRIVATE)', () => {
    const forms = (name: string, pem: () => string): [string, () => RsaKeyLike][] => [
      [`${name} PEM string`, pem],
      [`${name} PEM Buffer`, () => Buffer.from(pem())],
      [`${name} file:// string`, () => `file://${f.write(`${name}.pem`, pem())}`],
      [`${name} file URL`, () => pathToFileURL(f.write(`${name}-url.pem`, pem()))],
    ];
    for (const [label, input] of [
      ...forms('pkcs1', () => f.pkcs1Private),
      ...forms('pkcs8', () => f.pkcs8Private),
      ['private.pkcs1:// base64', () => `private.pkcs1://${derBase64(f.pkcs1Private)}`],
      ['private.pkcs8:// base64', () => `private.pkcs8://${derBase64(f.pkcs8Private)}`],
      ['KeyObject', () => f.privateKey],
    ] as [string, () => RsaKeyLike][]) {
      it(`loads a ${label}`, () => signsAs(Rsa.from(input(), Rsa.KEY_TYPE_PRIVATE)));
    }

    it('loads an encrypted PKCS#8 with its passphrase (string, Buffer, file)', () => {
      signsAs(Rsa.from(f.encryptedPkcs8, Rsa.KEY_TYPE_PRIVATE, f.passphrase));
      signsAs(Rsa.from(Buffer.from(f.encryptedPkcs8), Rsa.KEY_TYPE_PRIVATE, Buffer.from(f.passphrase)));
      signsAs(Rsa.from(`file://${f.write('encrypted.pem', f.encryptedPkcs8)}`, Rsa.KEY_TYPE_PRIVATE, f.passphrase));
    });

    for (const variant of ['aes', 'legacy', 'des3', 'withCa'] as const) {
      it(`loads the private key of a ${variant} PKCS#12 (Buffer, file:// string, file URL)`, () => {
        const path = f.p12[variant];
        signsAs(Rsa.from(readFileSync(path), Rsa.KEY_TYPE_PRIVATE, f.p12Password));
        signsAs(Rsa.from(`file://${path}`, Rsa.KEY_TYPE_PRIVATE, f.p12Password));
        signsAs(Rsa.from(pathToFileURL(path), Rsa.KEY_TYPE_PRIVATE, f.p12Password));
      });
    }

    it('reads a PKCS#12 by content whatever the file is called', () => {
      const path = f.write('bundle.bin', readFileSync(f.p12.aes));
      signsAs(Rsa.from(`file://${path}`, Rsa.KEY_TYPE_PRIVATE, f.p12Password));
    });

    it('takes file:// paths both raw (PHP style) and percent-encoded (file URL style)', () => {
      const path = f.write('with space%41.pem', f.pkcs8Private);
      signsAs(Rsa.from(`file://${path}`, Rsa.KEY_TYPE_PRIVATE));
      signsAs(Rsa.from(pathToFileURL(path).href, Rsa.KEY_TYPE_PRIVATE));
      signsAs(Rsa.from(`file://${relative(process.cwd(), path)}`, Rsa.KEY_TYPE_PRIVATE));
    });
  });

  describe('from(…, KEY_TYPE_PUBLIC)', () => {
    const forms = (name: string, pem: () => string): [string, () => RsaKeyLike][] => [
      [`${name} PEM string`, pem],
      [`${name} PEM Buffer`, () => Buffer.from(pem())],
      [`${name} file:// string`, () => `file://${f.write(`pub-${name}.pem`, pem())}`],
      [`${name} file URL`, () => pathToFileURL(f.write(`pub-${name}-url.pem`, pem()))],
    ];
    for (const [label, input] of [
      ...forms('pkcs1', () => f.pkcs1Public),
      ...forms('spki', () => f.spkiPublic),
      ...forms('certificate', () => f.certificate),
      ['public.pkcs1:// base64', () => `public.pkcs1://${derBase64(f.pkcs1Public)}`],
      ['public.spki:// base64', () => `public.spki://${derBase64(f.spkiPublic)}`],
      ['KeyObject', () => f.publicKey],
    ] as [string, () => RsaKeyLike][]) {
      it(`loads a ${label}`, () => verifiesAs(Rsa.from(input(), Rsa.KEY_TYPE_PUBLIC)));
    }

    for (const variant of ['aes', 'legacy', 'des3', 'withCa'] as const) {
      it(`loads the certificate's public key of a ${variant} PKCS#12`, () => {
        verifiesAs(Rsa.from(readFileSync(f.p12[variant]), Rsa.KEY_TYPE_PUBLIC, f.p12Password));
        verifiesAs(Rsa.from(`file://${f.p12[variant]}`, Rsa.KEY_TYPE_PUBLIC, f.p12Password));
      });
    }
  });

  describe('from() failures', () => {
    it('refuses garbage, naming only the kind of input', () => {
      const garbage = 'not a key at all, just some text that looks like nothing';
      expect(expectArgumentError(() => Rsa.from(garbage, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', [garbage]).message).to.include('a string');
      expectArgumentError(() => Rsa.from(Buffer.from(garbage), Rsa.KEY_TYPE_PUBLIC), 'ERR_CONFIG', [garbage]);
      const lines = f.pkcs8Private.trim().split('\n');
      const broken = [...lines.slice(0, 6), lines.at(-1)].join('\n'); // a cut-short body
      expectArgumentError(() => Rsa.from(broken, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', [pemBody(broken)]);
      const payload = `${derBase64(f.pkcs8Private).slice(0, 200)}!!`;
      expectArgumentError(() => Rsa.from(`private.pkcs8://${payload}`, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', [payload]);
      const truncated = derBase64(f.pkcs8Private).slice(0, 400);
      expectArgumentError(() => Rsa.from(`private.pkcs8://${truncated}`, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', [truncated]);
      expectArgumentError(() => Rsa.from(42 as unknown as string, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG');
      expectArgumentError(() => Rsa.from(f.pkcs8Private, 'secret' as 'private'), 'ERR_CONFIG', [pemBody(f.pkcs8Private)]);
    });

    it('refuses a public key or certificate where a private key is asked', () => {
      for (const input of [f.spkiPublic, f.pkcs1Public, f.certificate]) {
        expectArgumentError(() => Rsa.from(input, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', [pemBody(input)]);
      }
      const spki = derBase64(f.spkiPublic);
      expectArgumentError(() => Rsa.from(`public.spki://${spki}`, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', [spki]);
      expectArgumentError(() => Rsa.from(f.publicKey, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG');
    });

    it('refuses a private key where a public key is asked', () => {
      expectArgumentError(() => Rsa.from(f.pkcs8Private, Rsa.KEY_TYPE_PUBLIC), 'ERR_CONFIG', [pemBody(f.pkcs8Private)]);
      const der = derBase64(f.pkcs1Private);
      expectArgumentError(() => Rsa.from(`private.pkcs1://${der}`, Rsa.KEY_TYPE_PUBLIC), 'ERR_CONFIG', [der]);
      expectArgumentError(() => Rsa.from(f.privateKey, Rsa.KEY_TYPE_PUBLIC), 'ERR_CONFIG');
    });

    it('refuses EC keys', () => {
      expect(expectArgumentError(() => Rsa.from(f.ecPrivate, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', [pemBody(f.ecPrivate)]).message).to.match(/not an RSA key/);
      expectArgumentError(() => Rsa.from(f.ecPublic, Rsa.KEY_TYPE_PUBLIC), 'ERR_CONFIG', [pemBody(f.ecPublic)]);
      expectArgumentError(() => Rsa.from(createPrivateKey(f.ecPrivate), Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG');
    });

    it('refuses an encrypted key without or with a wrong passphrase', () => {
      const secrets = [pemBody(f.encryptedPkcs8), f.passphrase, 'wrong-Passphrase-0000'];
      expect(expectArgumentError(() => Rsa.from(f.encryptedPkcs8, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', secrets).message).to.match(/passphrase/);
      expect(expectArgumentError(() => Rsa.from(f.encryptedPkcs8, Rsa.KEY_TYPE_PRIVATE, 'wrong-Passphrase-0000'), 'ERR_CONFIG', secrets).message)
        .to.match(/wrong passphrase/);
    });

    it('refuses a PKCS#12 with a wrong or missing password', () => {
      for (const variant of ['aes', 'legacy'] as const) {
        const bytes = readFileSync(f.p12[variant]);
        const secrets = [f.p12Password, 'wrong-P12-Password-0000', bytes.toString('base64')];
        expect(expectArgumentError(() => Rsa.from(bytes, Rsa.KEY_TYPE_PRIVATE, 'wrong-P12-Password-0000'), 'ERR_CONFIG', secrets).message)
          .to.match(/wrong PKCS#12 password/);
        expectArgumentError(() => Rsa.from(`file://${f.p12[variant]}`, Rsa.KEY_TYPE_PUBLIC, 'wrong-P12-Password-0000'), 'ERR_CONFIG', secrets);
        expectArgumentError(() => Rsa.from(bytes, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG', secrets);
      }
    });

    it('refuses a missing file, naming the path', () => {
      const missing = `file://${join(f.dir, 'nowhere.pem')}`;
      const error = expectArgumentError(() => Rsa.from(missing, Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG');
      expect(error.message).to.include(missing).and.to.include('ENOENT');
      expectArgumentError(() => Rsa.from(pathToFileURL(join(f.dir, 'nowhere.p12')), Rsa.KEY_TYPE_PRIVATE, f.p12Password), 'ERR_CONFIG', [f.p12Password]);
      expectArgumentError(() => Rsa.from(new URL('https://example.com/key.pem'), Rsa.KEY_TYPE_PRIVATE), 'ERR_CONFIG');
    });
  });

  describe('node-forge', () => {
    it('is loaded only when a PKCS#12 is met', () => {
      const rsa = fileURLToPath(new URL('../../lib/crypto/rsa.ts', import.meta.url));
      const script = `
        import { createRequire } from 'node:module';
        import { readFileSync } from 'node:fs';
        const require = createRequire(import.meta.url);
        const forgeLoaded = () => Object.keys(require.cache).some((path) => /[\\\\/]node-forge[\\\\/]/.test(path));
        const { Rsa } = await import(${JSON.stringify(pathToFileURL(rsa).href)});
        const seen = [forgeLoaded()];
        Rsa.from(${JSON.stringify(`file://${f.write('child.pem', f.pkcs8Private)}`)}, 'private');
        Rsa.from(${JSON.stringify(`file://${f.write('child-cert.pem', f.certificate)}`)}, 'public');
        seen.push(forgeLoaded());
        Rsa.from(readFileSync(${JSON.stringify(f.p12.aes)}), 'private', ${JSON.stringify(f.p12Password)});
        seen.push(forgeLoaded());
        console.log(JSON.stringify(seen));
      `;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
      // The last value is the control: it proves the probe does see node-forge once it is loaded.
      expect(JSON.parse(out.trim().split('\n').pop()!)).to.deep.equal([false, false, true]);
    });
  });

  describe('sign / signAsync / verify', () => {
    it('signs SHA256withRSA PKCS#1 v1.5 in base64, as node:crypto does', async () => {
      const signature = Rsa.sign(MESSAGE, f.privateKey);
      expect(signature).to.equal(cryptoSign('sha256', Buffer.from(MESSAGE), f.privateKey).toString('base64'));
      expect(Buffer.from(signature, 'base64')).to.have.length(256);
      expect(await Rsa.signAsync(MESSAGE, f.privateKey)).to.equal(signature);
      expect(Rsa.sign(Buffer.from(MESSAGE), f.privateKey)).to.equal(signature);
      expect(Rsa.verify(MESSAGE, signature, f.publicKey)).to.equal(true);
      expect(Rsa.verify(Buffer.from(MESSAGE), signature, Rsa.from(f.certificate, Rsa.KEY_TYPE_PUBLIC))).to.equal(true);
    });

    it('agrees with openssl dgst -sha256 -sign', () => {
      const data = f.write('message.txt', MESSAGE);
      const signature = execFileSync('openssl', ['dgst', '-sha256', '-sign', join(f.dir, 'key.pem'), data]);
      expect(Rsa.verify(MESSAGE, signature.toString('base64'), f.publicKey)).to.equal(true);
      expect(Rsa.sign(MESSAGE, f.privateKey)).to.equal(signature.toString('base64'));
    });

    it('returns false, never throws, for tampered messages and malformed signatures', () => {
      const signature = Rsa.sign(MESSAGE, f.privateKey);
      expect(Rsa.verify(`${MESSAGE} `, signature, f.publicKey)).to.equal(false);
      const otherKey = createPrivateKey(readFileSync(join(f.dir, 'other-key.pem')));
      expect(Rsa.verify(MESSAGE, Rsa.sign(MESSAGE, otherKey), f.publicKey)).to.equal(false);
      expect(Rsa.verify(MESSAGE, signature, Rsa.from(f.otherSpkiPublic, Rsa.KEY_TYPE_PUBLIC))).to.equal(false);
      for (const bad of [
        '',
        'garbage',
        '!!!!',
        signature.slice(0, -4),
        `${signature}AAAA`,
        `${signature.slice(0, 100)}*${signature.slice(100)}`, // Buffer.from would skip the '*'
        `${signature.slice(0, 100)}\n${signature.slice(100)}`,
        signature.replace(/=+$/, ''),
        null as unknown as string,
      ]) {
        expect(Rsa.verify(MESSAGE, bad, f.publicKey), JSON.stringify(bad)).to.equal(false);
      }
    });

    it('refuses keys of the wrong kind with ERR_ARGUMENT', async () => {
      expectArgumentError(() => Rsa.sign(MESSAGE, f.publicKey), 'ERR_ARGUMENT');
      expectArgumentError(() => Rsa.sign(MESSAGE, f.pkcs8Private as unknown as KeyObject), 'ERR_ARGUMENT', [pemBody(f.pkcs8Private)]);
      let caught: unknown;
      await Rsa.signAsync(MESSAGE, f.publicKey).catch((error) => {
        caught = error;
      });
      expect(caught).to.be.instanceOf(ArgumentError);
    });
  });

  describe('encrypt / decrypt', () => {
    it('round-trips UTF-8 text', () => {
      const plaintext = '张三 13800138000';
      const ciphertext = Rsa.encrypt(plaintext, f.publicKey);
      expect(Buffer.from(ciphertext, 'base64')).to.have.length(256);
      expect(Rsa.encrypt(plaintext, f.publicKey)).not.to.equal(ciphertext); // OAEP is randomized
      expect(Rsa.decrypt(ciphertext, f.privateKey)).to.equal(plaintext);
    });

    it('is RSA-OAEP with SHA-1 and MGF1-SHA1, both ways', () => {
      const ciphertext = Rsa.encrypt('hello', Rsa.from(f.certificate, Rsa.KEY_TYPE_PUBLIC));
      const options = { key: f.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' };
      expect(privateDecrypt(options, Buffer.from(ciphertext, 'base64')).toString()).to.equal('hello');
      const theirs = publicEncrypt({ key: f.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('world'));
      expect(Rsa.decrypt(theirs.toString('base64'), f.privateKey)).to.equal('world');
      const input = f.write('plain.txt', 'openssl');
      const fromOpenssl = execFileSync('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', f.write('spki.pem', f.spkiPublic),
        '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1', '-pkeyopt', 'rsa_mgf1_md:sha1', '-in', input]);
      expect(Rsa.decrypt(fromOpenssl.toString('base64'), f.privateKey)).to.equal('openssl');
    });

    it('takes up to 214 bytes with RSA-2048 and refuses 215 without echoing them', () => {
      expect(Rsa.decrypt(Rsa.encrypt('a'.repeat(214), f.publicKey), f.privateKey)).to.equal('a'.repeat(214));
      const secret = 'S'.repeat(215);
      expect(expectArgumentError(() => Rsa.encrypt(secret, f.publicKey), 'ERR_ARGUMENT', [secret]).message).to.include('214');
      expectArgumentError(() => Rsa.encrypt('好'.repeat(72), f.publicKey), 'ERR_ARGUMENT'); // 216 bytes in UTF-8
    });

    it('refuses PKCS#1 v1.5 ciphertexts and garbage with ERR_DECRYPT', () => {
      const v15 = publicEncrypt({ key: f.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('legacy')).toString('base64');
      for (const bad of [v15, 'garbage!', '', Rsa.encrypt('x', f.publicKey).slice(0, -8)]) {
        expect(() => Rsa.decrypt(bad, f.privateKey)).to.throw(WechatpayError).with.property('code', 'ERR_DECRYPT');
      }
      expect(() => Rsa.decrypt(Rsa.encrypt('x', f.publicKey), createPrivateKey(readFileSync(join(f.dir, 'other-key.pem')))))
        .to.throw(WechatpayError).with.property('code', 'ERR_DECRYPT');
    });
  });

  describe('serial', () => {
    const opensslSerial = (pem: string) =>
      execFileSync('openssl', ['x509', '-noout', '-serial', '-in', f.write('serial.pem', pem)], { encoding: 'utf8' }).trim().replace(/^serial=/, '');

    it("gives the certificate's serial in upper-case hex, as openssl prints it", () => {
      expect(Rsa.serial(f.certificate)).to.equal(f.certificateSerial);
      expect(Rsa.serial(Buffer.from(f.certificate))).to.equal(f.certificateSerial);
      expect(Rsa.serial(new X509Certificate(f.certificate))).to.equal(f.certificateSerial);
      expect(Rsa.serial(new X509Certificate(f.certificate).raw)).to.equal(f.certificateSerial);
    });

    it('keeps a leading zero nibble and drops the DER sign byte', () => {
      const low = f.certificateWithSerial('0x0F12');
      expect(Rsa.serial(low)).to.equal('0F12').and.to.equal(opensslSerial(low));
      const high = f.certificateWithSerial('0x8A12');
      expect(Rsa.serial(high)).to.equal('8A12').and.to.equal(opensslSerial(high));
      const padded = f.certificateWithSerial('0x00000F12');
      expect(Rsa.serial(padded)).to.equal('0F12').and.to.equal(opensslSerial(padded));
    });

    it('refuses what is not a certificate', () => {
      expectArgumentError(() => Rsa.serial('nope'), 'ERR_CONFIG', ['nope']);
      expectArgumentError(() => Rsa.serial(f.spkiPublic), 'ERR_CONFIG', [pemBody(f.spkiPublic)]);
    });
  });
});
