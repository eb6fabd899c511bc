/**
 * `wxpay.download(answer | path)`: a signed GET of a file WeChat Pay serves unsigned (bills,
 * receipts, statements, complaint images), checked by the answer's digest instead, gunzipped when
 * gzipped, and streamed: a bill is never held whole in memory unless the caller asks for a Buffer.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { AxiosResponse } from 'axios';
import type { DecoratedConfig } from '../decorator.js';
import { ArgumentError, TransportError, VerificationError, WechatpayError } from '../errors.js';
import { transportErrorOf } from '../transport/codes.js';
import { isUnsigned } from './unsigned.js';
import { decipherStream } from '../crypto/aes-gcm.js';
import { oaepDecrypt } from '../crypto/rsa.js';

/** An answer that names a file: a bill's, a receipt's, … (`hash_type`/`hash_value` when given). */
export interface DownloadAnswer {
  download_url: string;
  hash_type?: string;
  hash_value?: string;
  /**
   * Set on encrypted bill files (sub-merchant and e-commerce fund-flow bills, Pay Score bills): the
   * AES-256-GCM key, RSA-OAEP encrypted to the merchant API certificate. With `nonce`, the file is
   * decrypted with the client's private key as it streams.
   */
  encrypt_key?: string;
  /** The AES-256-GCM nonce of an encrypted bill file. */
  nonce?: string;
}

/** Options of one download. */
export interface DownloadOptions {
  /** Hand over a Readable of the (uncompressed, digest-checked) bytes instead of a Buffer. */
  stream?: boolean;
  /** Aborts the download. */
  signal?: AbortSignal;
  /** Milliseconds for the whole download (the stream's body included); the client's timeout by default, 0 for none. */
  timeout?: number;
  /** Called as bytes arrive on the wire: how many so far, and the total when the answer says. */
  onProgress?: (received: number, total: number | undefined) => void;
}

/** What `download` needs from the client. */
export interface DownloaderContext {
  /** `baseURL` and `backupBaseURL`: a `download_url` is only followed to their origins. */
  baseURLs: readonly (string | undefined)[];
  timeout: number;
  /** Sends one request under the client's whole-call deadline. */
  send: (config: DecoratedConfig, timeout: number) => Promise<unknown>;
  /** The merchant API private key, which unwraps an encrypted bill's `encrypt_key`. */
  privateKey: KeyObject;
}

/** `wxpay.download`: a Buffer by default, a Readable with `{ stream: true }`. */
export interface Download {
  (answer: DownloadAnswer | string, options: DownloadOptions & { stream: true }): Promise<Readable>;
  (answer: DownloadAnswer | string, options?: DownloadOptions & { stream?: false }): Promise<Buffer>;
  (answer: DownloadAnswer | string, options?: DownloadOptions): Promise<Buffer | Readable>;
}

const HASHES: Readonly<Record<string, string>> = { SHA1: 'sha1', SHA256: 'sha256' };

const refuse = (message: string): never => {
  throw new ArgumentError('ERR_DOWNLOAD_URL', message);
};

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The URL to fetch: `download_url` (or a path below `baseURL`) parsed once, its origin that of a
 * configured base URL, no credentials, and a path on the unsigned-download list. The parsed
 * `href` is what is sent, so no second parser reads the raw text differently.
 */
export function downloadUrlOf(target: string, baseURLs: readonly (string | undefined)[]): URL {
  if (typeof target !== 'string' || target === '') refuse('download_url is missing');
  const [baseURL] = baseURLs;
  let url: URL;
  try {
    url = /^[a-z][a-z\d+\-.]*:/i.test(target) ? new URL(target) : new URL(`${baseURL!.replace(/\/+$/, '')}/${target.replace(/^\/+/, '')}`);
  } catch {
    return refuse(`download_url ${JSON.stringify(target.slice(0, 200))} is not a URL`);
  }
  if (url.username || url.password) refuse('download_url carries credentials (user@host); it is not followed');
  const allowed = baseURLs.map(originOf).filter((origin): origin is string => origin !== undefined && origin !== 'null');
  if (!allowed.includes(url.origin)) refuse(`download_url's origin ${url.origin} is not that of the client's baseURL or backupBaseURL; it is not followed`);
  if (!isUnsigned(url.pathname)) refuse(`${url.pathname} is not a file download WeChat Pay serves unsigned`);
  return url;
}

/** The digest the answer promises, checked before anything is sent. */
function digestOf(answer: DownloadAnswer | string): { algorithm: string; expected: string } | undefined {
  if (typeof answer === 'string' || answer.hash_value === undefined || answer.hash_value === '') return undefined;
  const algorithm = HASHES[String(answer.hash_type ?? '').toUpperCase()];
  if (!algorithm) throw new ArgumentError('ERR_ARGUMENT', `hash_type ${JSON.stringify(answer.hash_type)} is not SHA1 or SHA256`);
  return { algorithm, expected: String(answer.hash_value).toLowerCase() };
}

/** A read failure on the wire as the client's error: the body broke off after the headers (`ERR_RESPONSE_INCOMPLETE`). */
function brokenOff(error: unknown): WechatpayError {
  if (error instanceof WechatpayError) return error;
  return transportErrorOf(error, { answered: true });
}

/** A digest error for bytes that claim gzip yet do not inflate. */
function inflateErrorOf(error: unknown): WechatpayError {
  if (error instanceof WechatpayError) return error;
  return new VerificationError('ERR_DIGEST', `the file is not valid gzip: ${(error as Error).message}`);
}

/**
 * The first bytes of a stream (at least two, unless it ends sooner), put back so that the stream
 * still starts with them: enough to see gzip's magic number before choosing the pipeline.
 */
async function peek(stream: Readable): Promise<{ head: Buffer; rest: Readable }> {
  const head: Buffer[] = [];
  let length = 0;
  try {
    while (length < 2 && !stream.readableEnded) {
      const chunk = stream.read() as Buffer | null;
      if (chunk !== null) {
        head.push(chunk);
        length += chunk.length;
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          stream.off('readable', done).off('end', done).off('error', done);
          if (error instanceof Error) reject(error);
          else resolve();
        };
        stream.once('readable', done).once('end', done).once('error', done);
      });
    }
  } catch (error) {
    throw brokenOff(error);
  }
  const bytes = head.length === 1 ? head[0]! : Buffer.concat(head);
  // A file shorter than two bytes has ended already: nothing can be put back into the stream.
  if (stream.readableEnded) return { head: bytes, rest: Readable.from([bytes], { objectMode: false }) };
  if (bytes.length) stream.unshift(bytes);
  return { head: bytes, rest: stream };
}

/** A pass-through that hashes; at the end, a mismatch is {@link VerificationError} `ERR_DIGEST`. */
function digestCheck(digest: { algorithm: string; expected: string } | undefined): Transform {
  if (!digest) return new PassThrough({ highWaterMark: 64 * 1024 });
  const hash = createHash(digest.algorithm);
  return new Transform({
    highWaterMark: 64 * 1024,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const matches = hash.digest('hex') === digest.expected;
      done(matches ? null : new VerificationError('ERR_DIGEST', `the file's ${digest.algorithm.toUpperCase()} does not match the answer's hash_value`));
    },
  });
}

/**
 * The answer's bytes → gunzip when gzipped → the digest check, with native streams (pipe keeps
 * backpressure). Failures reach the reader as the client's errors: a read failure as a
 * {@link TransportError}, bad gzip or a mismatch as `ERR_DIGEST`; closing the reader early
 * closes the connection.
 */
function filePipeline(source: Readable, gzipped: boolean, digest: { algorithm: string; expected: string } | undefined): Readable {
  const out = digestCheck(digest);
  source.once('error', (error) => out.destroy(brokenOff(error)));
  if (gzipped) {
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    gunzip.once('error', (error) => out.destroy(inflateErrorOf(error)));
    source.pipe(gunzip).pipe(out);
    out.once('close', () => gunzip.destroy());
  } else {
    source.pipe(out);
  }
  out.once('close', () => source.destroy());
  return out;
}

/** An encrypted entry's AES key (unwrapped with the merchant key) and nonce; nothing is sent when either is wrong. */
function unwrap(entry: DownloadAnswer, privateKey: KeyObject): { key: Buffer; nonce: string } {
  if (typeof entry.nonce !== 'string' || entry.nonce === '') throw new ArgumentError('ERR_ARGUMENT', 'an encrypted bill entry (encrypt_key) needs its nonce');
  const key = oaepDecrypt(String(entry.encrypt_key), privateKey, 'download: encrypt_key');
  if (key.length !== 32) throw new WechatpayError('ERR_DECRYPT', `download: encrypt_key unwraps to ${key.length} bytes, not an AES-256 key`);
  return { key, nonce: entry.nonce };
}

/** The answer's bytes decrypted as they arrive; a read failure passes on as the client's error. */
function decrypted(source: Readable, { key, nonce }: { key: Buffer; nonce: string }): Readable {
  const plain = decipherStream(key, nonce);
  source.once('error', (error) => plain.destroy(brokenOff(error)));
  plain.once('close', () => source.destroy());
  return source.pipe(plain);
}

/**
 * An answer that lists files names no one file: a split bill's parts (`download_bill_list`, joined
 * by `bill_sequence`), a fapiao application's files (`fapiao_download_info_list`). The caller
 * passes each entry it wants; none is picked for it.
 */
function refuseListing(answer: DownloadAnswer | string): void {
  if (typeof answer !== 'object' || answer.download_url !== undefined) return;
  for (const list of ['download_bill_list', 'fapiao_download_info_list']) {
    const entries = (answer as unknown as Record<string, unknown>)[list];
    if (Array.isArray(entries)) {
      throw new ArgumentError('ERR_ARGUMENT', `pass one entry of ${list} (${entries.length} listed; each is its own download, download(answer.${list}[i])), not the whole answer`);
    }
  }
}

/** Makes a client's `download` root member. */
export function downloader(context: DownloaderContext): Download {
  const download = async (answer: DownloadAnswer | string, options: DownloadOptions = {}): Promise<Buffer | Readable> => {
    if (answer === null || (typeof answer !== 'string' && typeof answer !== 'object')) refuse('download takes an answer with download_url, or a path');
    refuseListing(answer);
    const decrypting = typeof answer === 'object' && answer.encrypt_key ? unwrap(answer, context.privateKey) : undefined;
    const url = downloadUrlOf(typeof answer === 'string' ? answer : answer.download_url, context.baseURLs);
    const digest = digestOf(answer);
    const { stream = false, signal, timeout = context.timeout, onProgress } = options;
    // One deadline for the whole download, body included: the send's own covers only the headers of a stream.
    const deadline = new AbortController();
    const timer = timeout > 0 ? setTimeout(() => deadline.abort(), timeout) : undefined;
    timer?.unref();
    const signals = signal ? [deadline.signal, signal] : [deadline.signal];
    const config: DecoratedConfig = {
      method: 'GET',
      url: url.href,
      responseType: 'stream',
      maxContentLength: -1,
      signal: AbortSignal.any(signals),
      wechatpay: { template: url.pathname, responseType: 'stream' },
    };
    let response: AxiosResponse<Readable>;
    try {
      response = (await context.send(config, 0)) as AxiosResponse<Readable>;
    } catch (error) {
      clearTimeout(timer);
      if (deadline.signal.aborted && error instanceof TransportError) throw new TransportError('ERR_TIMEOUT', `no complete download within ${timeout} ms`, error.cause as Error);
      throw error;
    }
    // Until the body stream exists the answer's own stream is what a timeout ends.
    let current: Readable = response.data;
    const onTimeout = () => current.destroy(new TransportError('ERR_TIMEOUT', `no complete download within ${timeout} ms`, new Error('timeout')));
    deadline.signal.addEventListener('abort', onTimeout, { once: true });
    const length = Number(response.headers['content-length']);
    const total = Number.isFinite(length) && length >= 0 ? length : undefined;
    let peeked: { head: Buffer; rest: Readable };
    try {
      peeked = await peek(decrypting ? decrypted(response.data, decrypting) : response.data);
    } catch (error) {
      clearTimeout(timer);
      deadline.signal.removeEventListener('abort', onTimeout);
      response.data.destroy();
      throw error;
    }
    const { head, rest } = peeked;
    const body = filePipeline(rest, head[0] === 0x1f && head[1] === 0x8b, digest);
    current = body;
    // Counted only now: a 'data' listener would have set the stream flowing before the peek.
    if (onProgress) {
      let received = 0;
      rest.on('data', (chunk: Buffer) => onProgress((received += chunk.length), total));
    }
    body.once('close', () => {
      clearTimeout(timer);
      deadline.signal.removeEventListener('abort', onTimeout);
    });
    if (stream) return body;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  return download as Download;
}
