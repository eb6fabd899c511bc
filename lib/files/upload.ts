/**
 * Multipart uploads (`upload` call option): a `meta` part `{"filename","sha256",…extras}` and a
 * `file` part, as WeChat Pay's media endpoints take them (`filename` and `sha256` only where the
 * endpoint's meta has them: a few name their digest otherwise, and their callers give it). The
 * signature covers the meta JSON, exactly as sent (wechatpay-php's MediaUtil does the same), so the
 * file's SHA-256 must be known before the first byte goes out: a Readable is read once, up to the limit.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { InternalAxiosRequestConfig } from 'axios';
import FormData from 'form-data';
import { ArgumentError } from '../errors.js';
import { COMPUTED_META } from '../endpoints/uploads.js';

/** What an upload may carry: bytes, a Blob, or a Readable read once. */
export type UploadData = Buffer | Uint8Array | Blob | Readable;

/** The `upload` call option of multipart endpoints. */
export interface Upload {
  /** The file's name: the file part's filename, and `meta.filename` where the endpoint's meta has one. */
  filename: string;
  /** The file's bytes. */
  data: UploadData;
  /** Extra meta fields an endpoint requires (e.g. `transaction_id` of shopping receipts, `file_digest` where an endpoint names its digest so). */
  meta?: Record<string, unknown>;
  /** The file part's Content-Type; by default guessed from the filename. */
  contentType?: string;
  /** Text form fields an endpoint takes beside `meta` and the file (e.g. `item_id`); outside the signature, which covers `meta` alone. */
  fields?: Record<string, string | number>;
}

/** The most any WeChat Pay upload endpoint takes (video uploads): 20 MB. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** A multipart body ready to send, and the bytes its signature covers. */
export interface PreparedUpload {
  form: FormData;
  /** The meta JSON, byte for byte as the `meta` part carries it. */
  meta: Buffer;
}

const fail = (message: string): never => {
  throw new ArgumentError('ERR_UPLOAD', message);
};

/** The checks that need no byte read: shape, filename, meta extras (none of the `computed` ones). Throws `ERR_UPLOAD`. */
export function checkUpload(upload: unknown, computed: readonly string[] = COMPUTED_META): asserts upload is Upload {
  if (upload === null || typeof upload !== 'object') fail('"upload" must be an object { filename, data, meta?, contentType? }');
  const { filename, data, meta, contentType } = upload as Partial<Upload>;
  if (typeof filename !== 'string' || filename.trim() === '') fail('"upload.filename" is missing or empty');
  // A quote or a line break would end the part's Content-Disposition header early.
  if (/["\r\n\0]/.test(filename!)) fail('"upload.filename" must not hold a quote, CR, LF or NUL');
  if (data === undefined || data === null) fail('"upload.data" is missing');
  if (!(data instanceof Uint8Array) && !(data instanceof Blob) && !(data instanceof Readable)) fail('"upload.data" must be a Buffer, Uint8Array, Blob or Readable');
  if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta))) fail('"upload.meta" must be an object');
  const reserved = Object.keys(meta ?? {}).find((key) => computed.includes(key));
  if (reserved) fail(`"upload.meta.${reserved}" is computed from the file and cannot be given`);
  if (contentType !== undefined && (typeof contentType !== 'string' || /[\r\n\0]/.test(contentType))) fail('"upload.contentType" must be a header value');
  const { fields } = upload as Partial<Upload>;
  if (fields !== undefined && (fields === null || typeof fields !== 'object' || Array.isArray(fields))) fail('"upload.fields" must be an object');
  for (const [name, value] of Object.entries(fields ?? {})) {
    // The name goes into the part's Content-Disposition header: a quote or a line break would end it early.
    if (name === 'meta' || /["\r\n\0]/.test(name)) fail(`"upload.fields" cannot hold a field named ${JSON.stringify(name)}`);
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) fail(`"upload.fields.${name}" must be a string or a finite number`);
  }
}

/** A Readable's bytes, read once; stops (and destroys it) past `limit`. */
async function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > limit) {
      stream.destroy();
      fail(`"upload.data" is larger than ${limit} bytes`);
    }
    chunks.push(bytes);
  }
  // One copy at most: a single chunk is kept as it came.
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** The upload's bytes as a Buffer, copied only where the source is not bytes already. */
async function bytesOf(data: UploadData, limit: number): Promise<Buffer> {
  if (data instanceof Readable) return readLimited(data, limit);
  if (data instanceof Blob) {
    if (data.size > limit) fail(`"upload.data" is ${data.size} bytes, more than ${limit}`);
    return Buffer.from(await data.arrayBuffer());
  }
  // A view over the same memory: a Buffer or Uint8Array is never copied.
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The upload's bytes, read (and checked: not empty, not over `limit`) once, on the first call:
 * `ERR_UPLOAD` before anything is sent. Every later call answers the same bytes.
 */
export function fileOf(upload: Upload, limit = MAX_UPLOAD_BYTES, computed: readonly string[] = COMPUTED_META): () => Promise<Buffer> {
  checkUpload(upload, computed);
  let read: Promise<Buffer> | undefined;
  const readOnce = async () => {
    const bytes = await bytesOf(upload.data, limit);
    if (bytes.length === 0) fail('"upload.data" is empty');
    if (bytes.length > limit) fail(`"upload.data" is ${bytes.length} bytes, more than ${limit}`);
    return bytes;
  };
  return () => (read ??= readOnce());
}

/** The file part of an upload's form: its bytes under `field`, with the upload's filename and type. */
export function appendFile(form: FormData, field: string, upload: Upload, bytes: Buffer): void {
  form.append(field, bytes, { filename: upload.filename, ...(upload.contentType ? { contentType: upload.contentType } : {}) });
}

/** Puts a built form on the request: the body, its multipart Content-Type and its length. */
export function attachForm(config: InternalAxiosRequestConfig, form: FormData): void {
  config.data = form;
  config.headers.set(form.getHeaders());
  config.headers.set('Content-Length', String(form.getLengthSync()));
}

/** Where an endpoint wants the file, and which meta fields the client fills: its facts (lib/endpoints/uploads.ts). */
export interface UploadTarget {
  /** The form field of the file part: `file` unless the facts name another. */
  field?: string;
  /** Of `filename` and `sha256`, those the endpoint's meta has: both unless the facts say otherwise. */
  computed?: readonly ('filename' | 'sha256')[];
}

/**
 * The body builder of one upload call: the file is read and hashed once, on the first call
 * (throwing `ERR_UPLOAD` for an empty file or one over `limit`, before anything is sent); each
 * call then builds a fresh multipart body over the same bytes, so a re-signed retry can send it again.
 */
export function multipartOf(upload: Upload, { field = 'file', computed = COMPUTED_META }: UploadTarget = {}, limit = MAX_UPLOAD_BYTES): () => Promise<PreparedUpload> {
  const file = fileOf(upload, limit, computed);
  if (upload.fields && Object.hasOwn(upload.fields, field)) fail(`"upload.fields.${field}" is the file's own field`);
  let meta: Buffer | undefined;
  return async () => {
    const bytes = await file();
    meta ??= Buffer.from(JSON.stringify({
      ...(computed.includes('filename') ? { filename: upload.filename } : {}),
      ...(computed.includes('sha256') ? { sha256: createHash('sha256').update(bytes).digest('hex') } : {}),
      ...upload.meta,
    }));
    const form = new FormData();
    form.append('meta', meta, { contentType: 'application/json' });
    for (const [name, value] of Object.entries(upload.fields ?? {})) form.append(name, String(value));
    appendFile(form, field, upload, bytes);
    return { form, meta };
  };
}
