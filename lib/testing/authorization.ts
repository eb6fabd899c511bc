/**
 * The request check WeChat Pay runs before anything else: the `Authorization` header's scheme and
 * fields, a known `mchid` and `serial_no`, a timestamp within five minutes, a fresh nonce, and a
 * SHA256withRSA signature by the merchant key over the request exactly as received.
 */
import type { KeyObject } from 'node:crypto';
import { Formatter } from '../crypto/formatter.js';
import { Rsa } from '../crypto/rsa.js';

/** The only scheme WeChat Pay APIv3 accepts. */
const SCHEME = 'WECHATPAY2-SHA256-RSA2048';
/** How far a request's timestamp may be from the gateway clock, and how long a nonce stays used. */
const WINDOW_SECONDS = 300;

const FIELDS = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;
type Field = (typeof FIELDS)[number];

/** A merchant the gateway knows: its id, the serial of its API certificate, and the key that verifies it. */
export interface MerchantIdentity {
  mchid: string;
  serial: string;
  publicKey: KeyObject;
}

/** Why a request was refused: the `message` of the `401 SIGN_ERROR` answer, and where the problem sits. */
export interface AuthorizationFailure {
  message: string;
  detail: { location: 'header'; field: string };
}

/** What a request looked like on the wire; `target` is the request-target (path and query) as received. */
export interface ReceivedRequest {
  method: string;
  target: string;
  authorization: string | null;
  body: Buffer;
}

function failure(field: string, message: string): AuthorizationFailure {
  return { message, detail: { location: 'header', field } };
}

/** `k="v",k="v"` with nothing else around: every field once, values without quotes. */
function parseFields(text: string): Partial<Record<Field, string>> | undefined {
  const fields: Record<string, string> = {};
  const pattern = /\s*([A-Za-z_]+)="([^"]*)"\s*(,|$)/y;
  while (pattern.lastIndex < text.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(text);
    if (!match || pattern.lastIndex === start) return undefined;
    if (Object.hasOwn(fields, match[1]!)) return undefined;
    fields[match[1]!] = match[2]!;
    if (match[3] === '') break;
  }
  return pattern.lastIndex === text.length ? fields : undefined;
}

/** Checks requests for one gateway; it remembers nonces, so keep one per gateway. */
export class AuthorizationCheck {
  readonly #merchants: ReadonlyMap<string, MerchantIdentity>;
  /** `mchid nonce` → the second after which its signed timestamp is out of window, so a replay fails anyway. */
  readonly #nonces = new Map<string, number>();
  #sweptAt: number | undefined;

  constructor(merchants: Iterable<MerchantIdentity>) {
    this.#merchants = new Map([...merchants].map((merchant) => [merchant.mchid, merchant]));
  }

  /** The failed check, or `undefined` when the request may proceed (its nonce is then spent). */
  check(request: ReceivedRequest, now = Formatter.timestamp()): AuthorizationFailure | undefined {
    const header = request.authorization;
    if (!header) return failure('Authorization', 'Authorization header is missing');
    const space = header.indexOf(' ');
    const scheme = space < 0 ? header : header.slice(0, space);
    if (scheme !== SCHEME) return failure('Authorization', `Authorization scheme must be ${SCHEME}, got ${JSON.stringify(scheme.slice(0, 40))}`);

    const fields = parseFields(header.slice(space + 1));
    if (!fields) return failure('Authorization', 'Authorization fields are malformed: expected key="value" pairs separated by commas, each key once');
    const missing = FIELDS.find((field) => !fields[field]);
    if (missing) return failure(missing, `Authorization field ${missing} is missing or empty`);
    const { mchid, nonce_str: nonce, signature, timestamp, serial_no: serial } = fields as Record<Field, string>;

    const merchant = this.#merchants.get(mchid);
    if (!merchant) return failure('mchid', `mchid ${mchid} is not a known merchant`);
    if (serial !== merchant.serial) return failure('serial_no', `serial_no ${serial} is not a certificate of merchant ${mchid}`);

    if (!/^\d{1,12}$/.test(timestamp)) return failure('timestamp', 'timestamp is not a number of seconds');
    const seconds = Number(timestamp);
    if (Math.abs(now - seconds) > WINDOW_SECONDS) {
      return failure('timestamp', `timestamp ${timestamp} is more than ${WINDOW_SECONDS} seconds away from the gateway clock (${now})`);
    }

    this.#forgetExpired(now);
    const nonceKey = `${mchid} ${nonce}`;
    if (this.#nonces.has(nonceKey)) return failure('nonce_str', `nonce_str ${nonce} was already used within the last ${WINDOW_SECONDS / 60} minutes`);

    const message = Formatter.request(request.method, request.target, timestamp, nonce, request.body);
    if (!Rsa.verify(message, signature, merchant.publicKey)) {
      return failure('signature', `signature does not verify with the key of serial_no ${serial} over ${request.method} ${request.target}, timestamp, nonce_str and the ${request.body.length}-byte body`);
    }
    // Spent only once the signature holds, so that a forged request cannot burn a real client's nonce.
    this.#nonces.set(nonceKey, seconds + WINDOW_SECONDS);
    return undefined;
  }

  // Expiries follow signed timestamps, not arrival order, so finding the expired ones takes a full
  // walk: at most once a second, or a busy gateway would spend its time walking.
  #forgetExpired(now: number): void {
    if (now === this.#sweptAt) return;
    this.#sweptAt = now;
    for (const [key, expiry] of this.#nonces) if (expiry < now) this.#nonces.delete(key);
  }
}
