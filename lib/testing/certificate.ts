/**
 * A self-signed X.509 certificate for the sandbox's certificate mode. node:crypto can read
 * certificates but not make them, and node-forge is kept for PKCS#12, so the few DER shapes
 * a TBSCertificate needs are encoded here and the signature comes from node:crypto.
 */
import { createPublicKey, sign, type KeyObject } from 'node:crypto';

function length(size: number): Buffer {
  if (size < 0x80) return Buffer.of(size);
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest >>>= 8) bytes.unshift(rest & 0xff);
  return Buffer.of(0x80 | bytes.length, ...bytes);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.of(tag), length(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const NULL = Buffer.of(0x05, 0x00);

/** A non-negative INTEGER in DER's minimal form: no redundant leading zeros, one where the top bit is set. */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const minimal = bytes.subarray(start);
  return tlv(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.of(0), minimal]) : minimal);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) groups.unshift((value & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime `YYMMDDHHMMSSZ`, valid for years 1950–2049 as RFC 5280 requires. */
function utcTime(date: Date): Buffer {
  return tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`));
}

function name(attributes: [oid: string, value: string][]): Buffer {
  return sequence(...attributes.map(([type, value]) => set(sequence(oid(type), tlv(0x0c, Buffer.from(value))))));
}

const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), NULL);

/** What goes into {@link selfSignedCertificate}. */
export interface CertificateOptions {
  /** The key that signs the certificate; its public half is the certificate's subject key. */
  privateKey: KeyObject;
  /** The serial number, as unsigned big-endian bytes. */
  serial: Buffer;
  /** The subject (and issuer) common name. */
  commonName: string;
  /** Start of validity; the certificate runs five years from it. */
  notBefore?: Date;
}

/** A version 3, SHA256withRSA, self-signed certificate in PEM. */
export function selfSignedCertificate({ privateKey, serial, commonName, notBefore = new Date() }: CertificateOptions): string {
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 5);
  const subject = name([
    ['2.5.4.6', 'CN'],
    ['2.5.4.10', 'wechatpay-ts sandbox'],
    ['2.5.4.3', commonName],
  ]);
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.of(2))), // [0] EXPLICIT version: v3
    integer(serial),
    SHA256_WITH_RSA,
    subject,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    subject,
    createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
  );
  // BIT STRING content starts with the count of unused bits: zero.
  const signature = tlv(0x03, Buffer.of(0), sign('sha256', tbs, privateKey));
  const der = sequence(tbs, SHA256_WITH_RSA, signature);
  const lines = der.toString('base64').match(/.{1,64}/g)!;
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
