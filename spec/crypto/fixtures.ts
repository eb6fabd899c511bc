// Test keys are made at run time in a temp dir, so that no key file is ever committed.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fixtures {
  dir: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  pkcs1Private: string;
  pkcs8Private: string;
  pkcs1Public: string;
  spkiPublic: string;
  certificate: string;
  /** The serial given to `openssl req -set_serial`, upper-case hex. */
  certificateSerial: string;
  encryptedPkcs8: string;
  passphrase: string;
  p12Password: string;
  /** PKCS#12 files: default (PBES2 AES-256-CBC, MAC SHA-256), `-legacy` (RC2-40 + 3DES), 3DES only. */
  p12: { aes: string; legacy: string; des3: string; withCa: string };
  ecPrivate: string;
  ecPublic: string;
  otherSpkiPublic: string;
  /** Writes `content` to `name` in the fixture dir and returns the path. */
  write(name: string, content: string | Buffer): string;
  /** Makes a self-signed certificate for the fixture key with the given serial (`0x…`). */
  certificateWithSerial(serial: string): string;
}

let cached: Fixtures | undefined;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Generates (once per process) every key form the crypto specs load. */
export function fixtures(): Fixtures {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'wechatpay-ts-crypto-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8Private = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const keyPath = write('key.pem', pkcs8Private);
  const passphrase = 'fixture-Passphrase-7d1e';
  const p12Password = 'fixture-P12-Password-93ab';

  const certificateWithSerial = (serial: string) => {
    const out = join(dir, `cert-${serial}.pem`);
    openssl('req', '-x509', '-new', '-key', keyPath, '-subj', '/CN=wechatpay-ts fixture', '-days', '2', '-set_serial', serial, '-out', out);
    return readFileSync(out, 'utf8');
  };
  const certificateSerial = '3775B6A45ACD588826D15E583A95F5DD0F1E2D3C';
  const certificate = certificateWithSerial(`0x${certificateSerial}`);
  const certPath = write('cert.pem', certificate);

  // A second key pair stands in for a CA in a bundle, and for "the wrong key".
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKeyPath = write('other-key.pem', other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const caPath = join(dir, 'ca.pem');
  openssl('req', '-x509', '-new', '-key', otherKeyPath, '-subj', '/CN=wechatpay-ts fixture CA', '-days', '2', '-out', caPath);

  const pass = `pass:${p12Password}`;
  const p12 = {
    aes: join(dir, 'aes.p12'),
    legacy: join(dir, 'legacy.p12'),
    des3: join(dir, 'des3.p12'),
    withCa: join(dir, 'with-ca.p12'),
  };
  openssl('pkcs12', '-export', '-in', certPath, '-inkey', keyPath, '-passout', pass, '-out', p12.aes);
  openssl('pkcs12', '-export', '-legacy', '-in', certPath, '-inkey', keyPath, '-passout', pass, '-out', p12.legacy);
  openssl('pkcs12', '-export', '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-in', certPath, '-inkey', keyPath, '-passout', pass, '-out', p12.des3);
  openssl('pkcs12', '-export', '-in', certPath, '-inkey', keyPath, '-certfile', caPath, '-passout', pass, '-out', p12.withCa);

  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  cached = {
    dir,
    privateKey,
    publicKey,
    pkcs1Private: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    pkcs8Private,
    pkcs1Public: publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    spkiPublic: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    certificate,
    certificateSerial,
    encryptedPkcs8: privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string,
    passphrase,
    p12Password,
    p12,
    ecPrivate: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    ecPublic: ec.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    otherSpkiPublic: other.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    write,
    certificateWithSerial,
  };
  return cached;
}

/** The base64 body of a PEM block, i.e. what must never show up in an error message. */
export function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
}
