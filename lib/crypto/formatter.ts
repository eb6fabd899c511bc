import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Joins pieces with a line feed after each; Buffers stay bytes so that no body is re-encoded. */
function joinedByLineFeed(...pieces: string[]): string;
function joinedByLineFeed(...pieces: (string | Buffer)[]): string | Buffer;
function joinedByLineFeed(...pieces: (string | Buffer)[]): string | Buffer {
  if (!pieces.some(Buffer.isBuffer)) return pieces.map((piece) => `${piece}\n`).join('');
  return Buffer.concat(pieces.flatMap((piece) => [Buffer.isBuffer(piece) ? piece : Buffer.from(piece), LF]));
}
const LF = Buffer.from('\n');

/** Builders of the strings WeChat Pay signs, named as in wechatpay-php. */
export const Formatter = {
  /** `size` characters of [0-9A-Za-z] from a CSPRNG (`randomInt` draws without modulo bias). */
  nonce(size = 32): string {
    let out = '';
    for (let i = 0; i < size; i += 1) out += ALPHABET[randomInt(ALPHABET.length)];
    return out;
  },

  /** Seconds since the epoch, as WeChat Pay's `timestamp` fields expect. */
  timestamp(): number {
    return Math.floor(Date.now() / 1000);
  },

  /** The request message: `METHOD\nURI\nTIMESTAMP\nNONCE\nBODY\n`. A Buffer body gives a Buffer. */
  request: ((method: string, uri: string, timestamp: string | number, nonce: string, body: string | Buffer = '') =>
    joinedByLineFeed(method.toUpperCase(), uri, String(timestamp), nonce, body)) as {
    (method: string, uri: string, timestamp: string | number, nonce: string, body?: string): string;
    (method: string, uri: string, timestamp: string | number, nonce: string, body: Buffer): Buffer;
  },

  /** The answer (and callback) message: `TIMESTAMP\nNONCE\nBODY\n`. A Buffer body gives a Buffer. */
  response: ((timestamp: string | number, nonce: string, body: string | Buffer = '') =>
    joinedByLineFeed(String(timestamp), nonce, body)) as {
    (timestamp: string | number, nonce: string, body?: string): string;
    (timestamp: string | number, nonce: string, body: Buffer): Buffer;
  },

  /** The `Authorization` header value for a signed request. */
  authorization(mchid: string, nonce: string, signature: string, timestamp: string | number, serial: string): string {
    return `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${serial}"`;
  },

  joinedByLineFeed,
};
