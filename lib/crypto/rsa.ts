/**
 * RSA helpers named as in wechatpay-php's `Crypto\Rsa`: load keys from whatever users hold,
 * sign and verify SHA256withRSA, encrypt and decrypt RSA-OAEP (SHA-1) sensitive fields.
 * Everything runs on `node:crypto`; node-forge is loaded only for PKCS#12, which Node cannot read.
 */
import {
  KeyObject,
  X509Certificate,
  constants,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { types } from 'node:util';
import { ArgumentError, WechatpayError } from '../errors.js';
import loadForge from '../forge.cjs';
import type { Sealed } from './sealed.js';

/** Which half of a key pair {@link Rsa.from} must return. */
export type RsaKeyType = 'private' | 'public';

/** Anything {@link Rsa.from} can turn into a `KeyObject`. */
export type RsaKeyLike = KeyObject | string | Buffer | URL;

const FILE_SCHEME = 'file://';
const DER_PREFIXES = {
  'private.pkcs1://': { kind: 'private', type: 'pkcs1' },
  'private.pkcs8://': { kind: 'private', type: 'pkcs8' },
  'public.pkcs1://': { kind: 'public', type: 'pkcs1' },
  'public.spki://': { kind: 'public', type: 'spki' },
} as const;
const PRIVATE_LABELS = new Set(['RSA PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
const PUBLIC_LABELS = new Set(['RSA PUBLIC KEY', 'PUBLIC KEY']);
// Whole 4-character groups, `=` only as the last one or two: the same language as groups of four
// then one padded group, checked without backtracking.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** RSA-OAEP with SHA-1 spends 2 * 20 + 2 bytes of each block on padding. */
const OAEP_SHA1_OVERHEAD = 42;

/** `Buffer.from(x, 'base64')` skips junk characters silently; signatures and ciphertexts must not. */
export function strictBase64(text: string): Buffer | undefined {
  return typeof text === 'string' && text.length > 0 && text.length % 4 === 0 && BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** Error codes (`ERR_OSSL_BAD_DECRYPT`, `ENOENT`, …) are safe to show; messages may quote input, so never. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code) ? ` (${code})` : '';
}

function fail(what: string, problem: string): never {
  throw new ArgumentError('ERR_CONFIG', `Rsa.from: ${what} ${problem}`);
}

/** Ensures the loaded key is the RSA half asked for; anything else is a configuration mistake. */
function checked(key: KeyObject, type: RsaKeyType, what: string): KeyObject {
  if (key.type !== type) fail(what, `holds a ${key.type} key where a ${type} key is required`);
  if (key.asymmetricKeyType !== 'rsa') fail(what, `holds a key of type ${key.asymmetricKeyType ?? 'unknown'}, not an RSA key`);
  return key;
}

function privateFrom(input: Parameters<typeof createPrivateKey>[0], what: string): KeyObject {
  try {
    return createPrivateKey(input);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // OpenSSL asks for a passphrase through a callback that Node cancels when none was given.
    if (code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED' || code === 'ERR_MISSING_PASSPHRASE') {
      return fail(what, 'is encrypted and needs a passphrase');
    }
    // A wrong passphrase usually fails the CBC padding check (BAD_DECRYPT); about once in 256 the
    // garbage pads well and fails later, as a DER error. Either way, with a passphrase it is the suspect.
    const encrypted = typeof input === 'object' && 'passphrase' in input && input.passphrase !== undefined;
    if (code === 'ERR_OSSL_BAD_DECRYPT' || encrypted) return fail(what, `could not be decrypted: wrong passphrase?${codeOf(error)}`);
    return fail(what, `is not a readable private key${codeOf(error)}`);
  }
}

function publicFrom(input: Parameters<typeof createPublicKey>[0], what: string): KeyObject {
  try {
    return createPublicKey(input);
  } catch (error) {
    return fail(what, `is not a readable public key${codeOf(error)}`);
  }
}

function certificatePublicKey(certificate: string | Buffer, what: string): KeyObject {
  try {
    return new X509Certificate(certificate).publicKey;
  } catch (error) {
    return fail(what, `is not a readable X.509 certificate${codeOf(error)}`);
  }
}

/** A DER PFX starts `SEQUENCE { INTEGER 3, SEQUENCE …`; no other key container begins that way. */
function looksLikePkcs12(der: Buffer): boolean {
  if (der.length < 8 || der[0] !== 0x30) return false;
  const length = der[1]!;
  if (length > 0x84) return false;
  const at = length > 0x80 ? 2 + (length & 0x7f) : 2; // 0x80 is BER's indefinite length
  return der[at] === 0x02 && der[at + 1] === 0x01 && der[at + 2] === 0x03 && der[at + 3] === 0x30;
}

function fromPkcs12(der: Buffer, type: RsaKeyType, passphrase: string | Buffer | undefined, what: string): KeyObject {
  const forge = loadForge();
  const password = Buffer.isBuffer(passphrase) ? passphrase.toString('utf8') : (passphrase ?? '');
  let p12: ReturnType<typeof forge.pkcs12.pkcs12FromAsn1>;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary'), false), false, password);
  } catch (error) {
    // forge reports a failed MAC or key decryption; its messages say nothing of the input.
    const message = error instanceof Error ? error.message : '';
    if (/MAC could not be verified|wrong password|Invalid password/i.test(message)) {
      return fail(what, 'could not be opened: wrong PKCS#12 password?');
    }
    return fail(what, 'is not a readable PKCS#12 file');
  }

  const { pkcs8ShroudedKeyBag, keyBag, certBag } = forge.pki.oids as Record<string, string>;
  const bags = (bagType: string) => p12.getBags({ bagType })[bagType] ?? [];
  const keyBags = [...bags(pkcs8ShroudedKeyBag!), ...bags(keyBag!)];
  let privateKey: KeyObject | undefined;
  const first = keyBags[0];
  if (first) {
    privateKey = first.key
      ? privateFrom(forge.pki.privateKeyToPem(first.key), what)
      : privateFrom({ key: derOf(forge, first.asn1!), format: 'der', type: 'pkcs8' }, what);
  }
  if (type === 'private') return checked(privateKey ?? fail(what, 'holds no private key'), type, what);

  const certificates = bags(certBag!).map((bag) =>
    certificatePublicKey(derOf(forge, bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1!), what));
  if (certificates.length === 0) fail(what, 'holds no certificate');
  // A bundle may carry CA certificates too: the merchant's own is the one matching its key.
  const own = privateKey && createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const match = own && certificates.find((key) => key.export({ type: 'spki', format: 'der' }).equals(own));
  return checked(match ?? certificates[0]!, type, what);
}

function derOf(forge: ReturnType<typeof loadForge>, asn1: Parameters<typeof forge.asn1.toDer>[0]): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function fromPem(text: string, type: RsaKeyType, passphrase: string | Buffer | undefined, what: string): KeyObject {
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((match) => match[1]!);
  if (type === 'private') {
    if (labels.some((label) => PRIVATE_LABELS.has(label))) {
      return checked(privateFrom({ key: text, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) }, what), type, what);
    }
    if (labels.some((label) => PUBLIC_LABELS.has(label) || label === 'CERTIFICATE')) {
      fail(what, 'holds a public key or certificate where a private key is required');
    }
  } else {
    if (labels.some((label) => PUBLIC_LABELS.has(label))) return checked(publicFrom({ key: text, format: 'pem' }, what), type, what);
    if (labels.includes('CERTIFICATE')) return checked(certificatePublicKey(text, what), type, what);
    if (labels.some((label) => PRIVATE_LABELS.has(label))) fail(what, 'holds a private key where a public key is required');
  }
  return fail(what, 'is not a PEM key or certificate');
}

function fromBytes(bytes: Buffer, type: RsaKeyType, passphrase: string | Buffer | undefined, what: string, pkcs12 = false): KeyObject {
  if (pkcs12 || looksLikePkcs12(bytes)) return fromPkcs12(bytes, type, passphrase, what);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN ')) return fromPem(text, type, passphrase, what);
  return fail(what, 'is neither PEM nor PKCS#12');
}

function fromFile(path: string, shown: string, type: RsaKeyType, passphrase: string | Buffer | undefined): KeyObject {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return fail(shown, `cannot be read${codeOf(error)}`);
  }
  const extension = extname(path).toLowerCase();
  return fromBytes(bytes, type, passphrase, shown, extension === '.p12' || extension === '.pfx');
}

/** `file://` + path as PHP users write it, or a proper file URL (percent-encoded) as `pathToFileURL` makes. */
export function filePathOf(thing: string): string {
  const raw = thing.slice(FILE_SCHEME.length);
  if (existsSync(raw)) return raw;
  try {
    return fileURLToPath(thing);
  } catch {
    return raw;
  }
}

/**
 * How a `file://` string is named in an error: as written when it reads as a path, else by its
 * length only, since a PEM pasted after `file://` by mistake must never be quoted back.
 */
function shownPath(text: string): string {
  return text.length <= 512 && !/[\0-\x1f]|-----/.test(text) ? text : `a file:// string of ${text.length} characters (not a readable path)`;
}

function from(thing: RsaKeyLike, type: RsaKeyType, passphrase?: string | Buffer): KeyObject {
  if (type !== 'private' && type !== 'public') throw new ArgumentError('ERR_CONFIG', 'Rsa.from: type must be Rsa.KEY_TYPE_PRIVATE or Rsa.KEY_TYPE_PUBLIC');
  if (types.isKeyObject(thing)) return checked(thing as KeyObject, type, 'a KeyObject');
  if (thing instanceof URL) {
    if (thing.protocol !== 'file:') fail(`a ${thing.protocol} URL`, 'is not supported; use a file: URL');
    let path: string;
    try {
      path = fileURLToPath(thing);
    } catch {
      return fail(thing.href, 'is not a local file URL');
    }
    return fromFile(path, thing.href, type, passphrase);
  }
  if (Buffer.isBuffer(thing)) return fromBytes(thing, type, passphrase, 'a Buffer');
  if (typeof thing !== 'string') return fail(`a ${thing === null ? 'null' : typeof thing}`, 'is not a key');

  const text = thing.trim();
  if (text.startsWith(FILE_SCHEME)) return fromFile(filePathOf(text), shownPath(text), type, passphrase);
  for (const [prefix, { kind, type: format }] of Object.entries(DER_PREFIXES)) {
    if (!text.startsWith(prefix)) continue;
    const what = `a ${prefix} string`;
    if (kind !== type) fail(what, `holds a ${kind} key where a ${type} key is required`);
    const der = strictBase64(text.slice(prefix.length).replace(/\s+/g, '')) ?? fail(what, 'is not followed by base64');
    return checked(kind === 'private'
      ? privateFrom({ key: der, format: 'der', type: format as 'pkcs1' | 'pkcs8' }, what)
      : publicFrom({ key: der, format: 'der', type: format as 'pkcs1' | 'spki' }, what), type, what);
  }
  if (text.includes('-----BEGIN ')) return fromPem(text, type, passphrase, 'a PEM string');
  return fail('a string', 'is neither PEM, a file:// path nor a private.pkcs1:// (…) prefixed base64 key');
}

function requireRsaKey(key: KeyObject, type: RsaKeyType | undefined, caller: string): void {
  if (!types.isKeyObject(key) || key.asymmetricKeyType !== 'rsa' || (type !== undefined && key.type !== type)) {
    throw new ArgumentError('ERR_ARGUMENT', `${caller}: expected an RSA ${type ? `${type} ` : ''}KeyObject (see Rsa.from)`);
  }
}

function toBytes(message: string | Buffer): Buffer {
  return Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8');
}

/** OAEP leaves `k - 42` bytes for the message; WeChat Pay fields longer than that must be refused, not cut. */
function oaepLimit(key: KeyObject): number {
  return Math.floor((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8) - OAEP_SHA1_OVERHEAD;
}

/**
 * The bytes of a base64 RSA-OAEP (SHA-1) ciphertext: a sensitive field's text, or an encrypted
 * bill's AES key (`encrypt_key`), which need not be text.
 *
 * @throws WechatpayError `ERR_DECRYPT` when the ciphertext is not base64 or does not decrypt with this key.
 */
export function oaepDecrypt(ciphertext: string, privateKey: KeyObject, caller: string): Buffer {
  requireRsaKey(privateKey, 'private', caller);
  const bytes = strictBase64(ciphertext);
  if (!bytes) throw new WechatpayError('ERR_DECRYPT', `${caller}: ciphertext is not base64`);
  try {
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, bytes);
  } catch {
    throw new WechatpayError('ERR_DECRYPT', `${caller}: RSA-OAEP decryption failed`);
  }
}

/** RSA key loading, SHA256withRSA signatures and RSA-OAEP encryption, as WeChat Pay APIv3 uses them. */
export const Rsa = {
  /** Asks {@link Rsa.from} for the private half. */
  KEY_TYPE_PRIVATE: 'private' as const,
  /** Asks {@link Rsa.from} for the public half. */
  KEY_TYPE_PUBLIC: 'public' as const,

  /**
   * Loads an RSA key, synchronously, from: a `KeyObject`; PEM text (string or Buffer) holding PKCS#1 or
   * PKCS#8 (optionally encrypted) private keys, PKCS#1 or SPKI public keys, or an X.509 certificate;
   * a `file://` path or file URL; `private.pkcs1://`, `private.pkcs8://`, `public.pkcs1://` or
   * `public.spki://` followed by base64 DER; or PKCS#12 (`.p12`/`.pfx` file or DER Buffer).
   *
   * `passphrase` decrypts an encrypted private key, or opens a PKCS#12 bundle. From a bundle,
   * `KEY_TYPE_PUBLIC` gives the certificate's public key.
   *
   * @throws ArgumentError `ERR_CONFIG` when the input cannot give the RSA key asked for; the
   * message names the kind of input (or the file path), never its content nor the passphrase.
   */
  from,

  /** Signs with SHA256withRSA (PKCS#1 v1.5) and returns base64, as the `Authorization` header wants. */
  sign(message: string | Buffer, privateKey: KeyObject): string {
    requireRsaKey(privateKey, 'private', 'Rsa.sign');
    return cryptoSign('sha256', toBytes(message), { key: privateKey, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
  },

  /** {@link Rsa.sign} on libuv's thread pool, so that signing many requests does not block the event loop. */
  signAsync(message: string | Buffer, privateKey: KeyObject): Promise<string> {
    return new Promise((resolve, reject) => {
      requireRsaKey(privateKey, 'private', 'Rsa.signAsync');
      cryptoSign('sha256', toBytes(message), { key: privateKey, padding: constants.RSA_PKCS1_PADDING }, (error, signature) => {
        if (error) reject(new WechatpayError('ERR_SIGN', `Rsa.signAsync: signing failed${codeOf(error)}`));
        else resolve(signature.toString('base64'));
      });
    });
  },

  /**
   * Checks a base64 SHA256withRSA signature. A malformed, non-base64 or wrong-length signature is
   * simply not valid: `false`, never an exception, since it comes from the network.
   */
  verify(message: string | Buffer, signature: string, publicKey: KeyObject): boolean {
    requireRsaKey(publicKey, undefined, 'Rsa.verify');
    const bytes = strictBase64(signature);
    const size = Math.floor((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    if (!bytes || bytes.length !== size) return false;
    try {
      return cryptoVerify('sha256', toBytes(message), { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, bytes);
    } catch {
      return false;
    }
  },

  /**
   * Encrypts a sensitive field with RSA-OAEP (SHA-1, MGF1-SHA1), the only padding WeChat Pay accepts
   * for new integrations; PKCS#1 v1.5 encryption is deliberately not offered. The result is
   * {@link Sealed}, the type WeChat Pay's encrypted request fields accept.
   *
   * @throws ArgumentError `ERR_ARGUMENT` when the UTF-8 plaintext exceeds the OAEP limit (214 bytes for RSA-2048).
   */
  encrypt(plaintext: string, publicKey: KeyObject): Sealed {
    requireRsaKey(publicKey, undefined, 'Rsa.encrypt');
    const bytes = Buffer.from(plaintext, 'utf8');
    const limit = oaepLimit(publicKey);
    if (bytes.length > limit) {
      throw new ArgumentError('ERR_ARGUMENT', `Rsa.encrypt: plaintext is ${bytes.length} bytes, RSA-OAEP with this key takes at most ${limit}`);
    }
    return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, bytes).toString('base64') as Sealed;
  },

  /**
   * Decrypts a base64 RSA-OAEP (SHA-1) ciphertext to UTF-8 text.
   *
   * @throws WechatpayError `ERR_DECRYPT` when the ciphertext is not base64 or does not decrypt with this key.
   */
  decrypt(ciphertext: string, privateKey: KeyObject): string {
    return oaepDecrypt(ciphertext, privateKey, 'Rsa.decrypt').toString('utf8');
  },

  /**
   * The certificate's serial number in upper-case hex, as WeChat Pay writes `serial_no`: the DER
   * sign byte is dropped, a leading zero nibble kept (`0F12`), exactly as `openssl x509 -serial`.
   *
   * @throws ArgumentError `ERR_CONFIG` when the input is not an X.509 certificate.
   */
  serial(certificate: string | Buffer | X509Certificate): string {
    let x509: X509Certificate;
    try {
      x509 = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
    } catch (error) {
      throw new ArgumentError('ERR_CONFIG', `Rsa.serial: not a readable X.509 certificate${codeOf(error)}`);
    }
    return x509.serialNumber.toUpperCase();
  },
};
