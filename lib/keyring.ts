/**
 * An auto-refreshing ring of WeChat Pay keys: the keys configured by hand (a `PUB_KEY_ID_…` public
 * key, certificates) plus the platform certificates downloaded from `v3/certificates`. Give it to
 * the client as `certs` and to {@link Notifications}; both learn a new certificate the first time
 * an answer or a callback names it.
 */
import type { KeyObject } from 'node:crypto';
import { downloadCertificates, type CertificateDownloadOptions, type PlatformCertificate } from './certificates.js';
import { Rsa, type RsaKeyLike } from './crypto/rsa.js';
import { ApiError, ArgumentError, VerificationError, WechatpayError } from './errors.js';

/** Options of a {@link KeyRing}: what the downloader needs, the keys configured by hand, and the refresh policy. */
export interface KeyRingOptions extends Omit<CertificateDownloadOptions, 'trusted'> {
  /** Keys configured by hand (`PUB_KEY_ID_…` → public key, serial → certificate); kept for good. */
  certs?: Record<string, RsaKeyLike>;
  /** The least time between two downloads, in ms; default 12 hours. Unknown serials never trigger more. */
  minInterval?: number;
  /** The clock, in ms since the epoch; default `Date.now`. Decides the refresh interval and expiry. */
  now?: () => number;
  /** Told of a failed refresh, in the background or on demand (the answer or callback that asked for it still fails on its own). */
  onError?: (error: unknown) => void;
  /**
   * How often to download in the background, in ms; default 12 hours, jittered by ±10 % so a fleet
   * does not download in step; `0` for no background refresh. The timer never keeps the process alive.
   */
  refreshInterval?: number;
}

const BRAND = Symbol.for('wechatpay-ts.KeyRing');

/** Twelve hours: WeChat Pay asks for no more than this, and rotates certificates with weeks of overlap. */
export const MIN_REFRESH_INTERVAL = 12 * 3600_000;

interface Held {
  key: KeyObject;
  /** ms since the epoch; `undefined` for keys configured by hand. */
  expires: number | undefined;
}

/**
 * WeChat Pay keys by id, refreshed from `v3/certificates`:
 *
 * - {@link KeyRing.create} downloads once at start-up (a merchant without platform certificates,
 *   `404 RESOURCE_NOT_EXISTS`, keeps its configured keys and works on);
 * - afterwards a download happens only when an answer or callback names an unknown serial, at most
 *   once per {@link KeyRingOptions.minInterval} (12 h), and one at a time however many ask;
 * - in the background every {@link KeyRingOptions.refreshInterval} (12 h, jittered; an `unref`ed
 *   timer), until {@link KeyRing.close};
 * - a failed refresh keeps the keys held and is reported to {@link KeyRingOptions.onError};
 * - a certificate stays until its expiry, even after WeChat Pay stops listing it.
 *
 * ```ts
 * const ring = await KeyRing.create({ mchid, serial, privateKey, apiv3Key, certs });
 * const wxpay = Builder.factory({ mchid, serial, privateKey, certs: ring });
 * const notifications = new Notifications({ apiv3Key, certs: ring });
 * ```
 *
 * The private key and the APIv3 key live in private fields: `util.inspect` and `JSON.stringify`
 * show only the key ids.
 */
export class KeyRing {
  /** Whether `value` is a key ring from either build (ESM or CommonJS); `instanceof` holds across them too. */
  static is(value: unknown): value is KeyRing {
    return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return KeyRing.is(value);
  }

  /** Makes a ring and downloads the platform certificates once; `404 RESOURCE_NOT_EXISTS` is no failure. */
  static async create(options: KeyRingOptions): Promise<KeyRing> {
    const ring = new KeyRing(options);
    await ring.refresh({ force: true });
    if (ring.keys.size === 0) {
      throw new ArgumentError('ERR_CONFIG', 'KeyRing: the merchant has no platform certificates and no key was configured (certs: { PUB_KEY_ID_…: public key })');
    }
    return ring;
  }

  static #noCertificates(error: unknown): boolean {
    return ApiError.is(error) && error.status === 404 && error.code === 'RESOURCE_NOT_EXISTS';
  }

  /** The live keys, by id; expired certificates are gone. What the client and callbacks verify with. */
  readonly keys: ReadonlyMap<string, KeyObject>;
  /** How many downloads were started (for tests and metrics). */
  get downloads(): number {
    return this.#downloads;
  }
  /** Whether the merchant has platform certificates: `false` once WeChat Pay answered `404 RESOURCE_NOT_EXISTS`. */
  get hasCertificates(): boolean | undefined {
    return this.#hasCertificates;
  }

  readonly #held = new Map<string, Held>();
  readonly #download: () => Promise<void>;
  readonly #minInterval: number;
  readonly #now: () => number;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #refreshInterval: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #lastStart: number | undefined;
  #inFlight: Promise<void> | undefined;
  #downloads = 0;
  #hasCertificates: boolean | undefined;

  /** Makes a ring without downloading; the first unknown serial (or {@link KeyRing.refresh}) downloads. */
  constructor(options: KeyRingOptions) {
    if (options === null || typeof options !== 'object') throw new ArgumentError('ERR_CONFIG', 'KeyRing: options must be an object');
    const { certs = {}, minInterval = MIN_REFRESH_INTERVAL, now = Date.now, onError, refreshInterval = MIN_REFRESH_INTERVAL, ...download } = options;
    for (const [id, input] of Object.entries(certs)) {
      try {
        this.#held.set(id, { key: Rsa.from(input, Rsa.KEY_TYPE_PUBLIC), expires: undefined });
      } catch (error) {
        throw new ArgumentError('ERR_CONFIG', `KeyRing: certs["${id}"] ${error instanceof WechatpayError ? error.message : 'does not parse'}`);
      }
    }
    if (!(minInterval >= 0)) throw new ArgumentError('ERR_CONFIG', 'KeyRing: minInterval must be a non-negative number of ms');
    if (!(refreshInterval >= 0) || !Number.isFinite(refreshInterval)) throw new ArgumentError('ERR_CONFIG', 'KeyRing: refreshInterval must be a non-negative number of ms (0: no background refresh)');
    this.#minInterval = minInterval;
    this.#refreshInterval = refreshInterval;
    this.#now = now;
    this.#onError = onError;
    // The credentials stay in this closure: nothing on `this` shows them.
    this.#download = async () => {
      const fresh = await downloadCertificates({ ...download, trusted: this.keys });
      this.#add(fresh);
    };
    this.keys = new LiveKeys(this.#held, now);
    Object.defineProperty(this, BRAND, { value: true });
    this.#schedule();
  }

  /** Plans the next background download, ±10 % around the interval; failures go to `onError`, keys stay. */
  #schedule(): void {
    if (this.#refreshInterval === 0 || this.#closed) return;
    const delay = this.#refreshInterval * (0.9 + 0.2 * Math.random());
    this.#timer = setTimeout(() => {
      this.refresh({ force: true })
        .catch((error: unknown) => this.#onError?.(error))
        .finally(() => this.#schedule());
    }, delay);
    this.#timer.unref();
  }

  /** Stops the background refresh; the keys held stay usable. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #add(certificates: Map<string, PlatformCertificate>): void {
    this.#hasCertificates = true;
    for (const [id, cert] of certificates) {
      const previous = this.#held.get(id);
      // A configured key stays configured; a certificate's expiry is the latest one heard of.
      if (previous && previous.expires === undefined) continue;
      this.#held.set(id, { key: cert.publicKey, expires: cert.expireTime.getTime() });
    }
  }

  /**
   * Downloads now, unless a download is under way (its result is shared) or the last one started
   * less than {@link KeyRingOptions.minInterval} ago (`force` skips that wait). Resolves once the
   * keys are up to date; rejects with the download's error.
   */
  refresh({ force = false } = {}): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    const now = this.#now();
    if (!force && this.#lastStart !== undefined && now - this.#lastStart < this.#minInterval) return Promise.resolve();
    this.#lastStart = now;
    this.#downloads += 1;
    this.#inFlight = this.#download()
      .catch((error: unknown) => {
        if (!KeyRing.#noCertificates(error)) throw error;
        this.#hasCertificates = false;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  /**
   * Runs a verification; when it fails only because the serial is unknown, refreshes (within
   * the policy above) and runs it once more. The client's answers and {@link Notifications} go
   * through here. A failed refresh is reported to `onError` and the first failure stands.
   */
  verifying<T>(attempt: () => T): T | Promise<T> {
    try {
      return attempt();
    } catch (error) {
      if (!VerificationError.is(error) || error.code !== 'ERR_RESPONSE_SERIAL') throw error;
      return this.refresh().then(attempt, (failure: unknown) => {
        this.#onError?.(failure);
        throw error;
      });
    }
  }

  /** Only the key ids: no key material, no credentials. */
  toJSON(): { keys: string[] } {
    return { keys: [...this.keys.keys()] };
  }

  /** @internal */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KeyRing { ${[...this.keys.keys()].join(', ')} }`;
  }
}

/** A read-only view of the ring that drops a certificate once its expiry has passed. */
class LiveKeys implements ReadonlyMap<string, KeyObject> {
  readonly #held: Map<string, Held>;
  readonly #now: () => number;

  constructor(held: Map<string, Held>, now: () => number) {
    this.#held = held;
    this.#now = now;
  }

  #live(id: string): Held | undefined {
    const held = this.#held.get(id);
    if (held?.expires !== undefined && held.expires <= this.#now()) {
      this.#held.delete(id);
      return undefined;
    }
    return held;
  }

  get(id: string): KeyObject | undefined {
    return this.#live(id)?.key;
  }

  has(id: string): boolean {
    return this.#live(id) !== undefined;
  }

  get size(): number {
    return [...this.keys()].length;
  }

  *entries(): MapIterator<[string, KeyObject]> {
    for (const id of [...this.#held.keys()]) {
      const held = this.#live(id);
      if (held) yield [id, held.key];
    }
  }

  *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<KeyObject> {
    for (const [, key] of this.entries()) yield key;
  }

  forEach(callback: (value: KeyObject, key: string, map: ReadonlyMap<string, KeyObject>) => void, thisArg?: unknown): void {
    for (const [id, key] of this.entries()) callback.call(thisArg, key, id, this);
  }

  [Symbol.iterator](): MapIterator<[string, KeyObject]> {
    return this.entries();
  }
}
