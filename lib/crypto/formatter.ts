import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Random bytes drawn a few kilobytes at a time: one call into the CSPRNG per hundred nonces instead
// of 32 `randomInt` calls a nonce. Each byte is read once.
const POOL = Buffer.alloc(4096);
let drawn = POOL.length;

/** Joins pieces with a line feed after each; Buffers stay bytes so that no body is re-encoded. */
function joinedByLineFeed(...pieces: string[]): string;
function joinedByLineFeed(...pieces: (string | Buffer)[]): string | Buffer;
function joinedByLineFeed(...pieces: (string | Buffer)[]): string | Buffer {
  if (!pieces.some(Buffer.isBuffer)) return pieces.map((piece) => `${piece}\n`).join('');
  return Buffer.concat(pieces.flatMap((piece) => [Buffer.isBuffer(piece) ? piece : Buffer.from(piece), LF]));
}
const LF = Buffer.from('\n');

/** `head` then `body` then a line feed: a string for a string body, bytes for a Buffer (never re-encoded). */
function withBody(head: string, body: string | Buffer): string | Buffer {
  return typeof body === 'string' ? `${head}${body}\n` : Buffer.concat([Buffer.from(head), body, LF]);
}

/** Builders of the strings WeChat Pay signs, named as in wechatpay-php. */
export const Formatter = {
  /** `size` characters of [0-9A-Za-z] from a CSPRNG, each of the 62 equally likely. */
  nonce(size = 32): string {
    let out = '';
    while (out.length < size) {
      if (drawn === POOL.length) {
        randomFillSync(POOL);
        drawn = 0;
      }
      const byte = POOL[drawn]!;
      drawn += 1;
      // 248 is 4 × 62: a byte below it is uniform modulo 62; one above is dropped, not folded.
      if (byte < 248) out += ALPHABET[byte % 62];
    }
    return out;
  },

  /** Seconds since the epoch, as WeChat Pay's `timestamp` fields expect. */
  timestamp(): number {
    return Math.floor(Date.now() / 1000);
  },

  /** The request message: `METHOD\nURI\nTIMESTAMP\nNONCE\nBODY\n`. A Buffer body gives a Buffer. */
  request: ((method: string, uri: string, timestamp: string | number, nonce: string, body: string | Buffer = '') =>
    withBody(`${method.toUpperCase()}\n${uri}\n${timestamp}\n${nonce}\n`, body)) as {
    (method: string, uri: string, timestamp: string | number, nonce: string, body?: string): string;
    (method: string, uri: string, timestamp: string | number, nonce: string, body: Buffer): Buffer;
  },

  /** The answer (and callback) message: `TIMESTAMP\nNONCE\nBODY\n`. A Buffer body gives a Buffer. */
  response: ((timestamp: string | number, nonce: string, body: string | Buffer = '') =>
    withBody(`${timestamp}\n${nonce}\n`, body)) as {
    (timestamp: string | number, nonce: string, body?: string): string;
    (timestamp: string | number, nonce: string, body: Buffer): Buffer;
  },

  /** The `Authorization` header value for a signed request. */
  authorization(mchid: string, nonce: string, signature: string, timestamp: string | number, serial: string): string {
    return `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${serial}"`;
  },

  joinedByLineFeed,
};
