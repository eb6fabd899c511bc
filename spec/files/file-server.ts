// A WeChat Pay stand-in on 127.0.0.1 for file operations: it checks every request's signature as
// WeChat Pay does (AuthorizationCheck; a multipart request is signed over its meta JSON, which
// busboy parses out of the body), answers uploads and bill queries signed, and serves files unsigned.
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import busboy from 'busboy';
import { Formatter } from '../../lib/crypto/formatter.js';
import { Rsa } from '../../lib/crypto/rsa.js';
import { AuthorizationCheck } from '../../lib/testing/authorization.js';
import { Sandbox } from '../../lib/testing/index.js';
import { sharedKeys } from '../support/gateway.js';

/** A file the server serves at `/v3/billdownload/file?token=…`, and how it spoils it. */
export interface ServedFile {
  body: Buffer;
  /** Stream this instead of `body` (gzipped on the fly with `gzip`); `body` then only feeds the announced digest. */
  generate?: () => Readable;
  gzip?: boolean;
  /** Cut the connection after this many bytes of the (wire) body. */
  resetAfter?: number;
  /** With resetAfter: keep the connection open instead, sending nothing more. */
  stall?: boolean;
  /** Announce the digest of other bytes in the bill answer. */
  wrongDigest?: boolean;
  /** An encrypted bill: flip a byte of the ciphertext, so its GCM tag fails (after the rest has decrypted). */
  forged?: boolean;
  /** Answer this JSON error instead. */
  error?: { status: number; code: string; message: string };
}

/** An upload as the server parsed it. */
export interface ReceivedUpload {
  path: string;
  metaText: string;
  metaContentType: string;
  /** The form field the file came in. */
  field: string;
  /** The text fields besides meta. */
  fields: Record<string, string>;
  filename: string;
  fileContentType: string;
  file: Buffer;
}

export interface FileServer {
  url: string;
  origin: string;
  config: ReturnType<Sandbox['clientConfig']>;
  /** Registers a file; returns its download_url and SHA1 of the uncompressed bytes. */
  serve(file: ServedFile): { download_url: string; hash_type: 'SHA1'; hash_value: string };
  /** Bill answers for `GET /v3/bill/tradebill` and `fundflowbill`, by bill_date. */
  bills: Map<string, ServedFile>;
  uploads: ReceivedUpload[];
  /** Every request that reached the server: method and target. */
  requests: string[];
  close(): Promise<void>;
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseMultipart(request: IncomingMessage, body: Buffer): Promise<Omit<ReceivedUpload, 'path'>> {
  return new Promise((resolve, reject) => {
    const parser = busboy({ headers: request.headers });
    const got: Partial<ReceivedUpload> = { fields: {} };
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        // busboy hands a part with a Content-Type but no filename as a field only when told; meta comes either way.
        if (name === 'meta') Object.assign(got, { metaText: bytes.toString('utf8'), metaContentType: info.mimeType });
        else Object.assign(got, { field: name, file: bytes, filename: info.filename, fileContentType: info.mimeType });
      });
    });
    parser.on('field', (name, value, info) => {
      if (name === 'meta') Object.assign(got, { metaText: value, metaContentType: info.mimeType });
      else got.fields![name] = value;
    });
    parser.on('close', () => resolve(got as Omit<ReceivedUpload, 'path'>));
    parser.on('error', reject);
    parser.end(body);
  });
}

export async function fileServer(): Promise<FileServer> {
  const sandbox = new Sandbox({ keys: sharedKeys() });
  const merchant = sandbox.merchant;
  const check = new AuthorizationCheck([{ mchid: merchant.mchid, serial: merchant.serial, publicKey: Rsa.from(merchant.publicKey, Rsa.KEY_TYPE_PUBLIC) }]);
  const platform = sharedKeys().platform;
  const files = new Map<string, ServedFile>();
  const bills = new Map<string, ServedFile>();
  const uploads: ReceivedUpload[] = [];
  const requests: string[] = [];
  let origin = '';

  const signedJson = (res: ServerResponse, status: number, value: unknown) => {
    const body = Buffer.from(JSON.stringify(value));
    const timestamp = Formatter.timestamp();
    const nonce = Formatter.nonce();
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Request-ID': randomBytes(8).toString('hex'),
      'Wechatpay-Timestamp': String(timestamp),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': sandbox.platform.id,
      'Wechatpay-Signature': Rsa.sign(Formatter.response(timestamp, nonce, body), platform),
    }).end(body);
  };
  const serve = (file: ServedFile) => {
    const token = randomBytes(12).toString('hex');
    files.set(token, file);
    return { download_url: `${origin}/v3/billdownload/file?token=${token}`, hash_type: 'SHA1' as const, hash_value: createHash('sha1').update(file.wrongDigest ? Buffer.from('other') : file.body).digest('hex') };
  };

  const sendFile = (res: ServerResponse, file: ServedFile | undefined) => {
    if (!file) return res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"code":"INVALID_REQUEST","message":"token expired"}');
    if (file.error) return res.writeHead(file.error.status, { 'Content-Type': 'application/json', 'Request-ID': 'rid-file' }).end(JSON.stringify({ code: file.error.code, message: file.error.message }));
    if (file.generate) {
      res.writeHead(200, { 'Content-Type': file.gzip ? 'application/x-gzip' : 'text/plain' });
      const source = file.generate();
      return void (file.gzip ? source.pipe(createGzip({ level: 1 })) : source).pipe(res);
    }
    const wire = file.gzip ? gzipSync(file.body) : file.body;
    res.writeHead(200, { 'Content-Type': file.gzip ? 'application/x-gzip' : 'text/plain', 'Content-Length': String(wire.length) });
    if (file.resetAfter === undefined) return res.end(wire);
    res.write(wire.subarray(0, file.resetAfter));
    if (!file.stall) setTimeout(() => res.socket?.destroy(), 20);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const target = req.url ?? '/';
      requests.push(`${req.method} ${target}`);
      const url = new URL(target, origin);
      const multipart = /^multipart\/form-data/.test(req.headers['content-type'] ?? '');
      const parsed = multipart ? await parseMultipart(req, body) : undefined;
      // The signature covers the meta JSON for a multipart request, the raw body otherwise.
      const signedBody = parsed ? Buffer.from(parsed.metaText ?? '') : body;
      const failure = check.check({ method: req.method ?? 'GET', target, authorization: req.headers.authorization ?? null, body: signedBody });
      if (failure) return signedJson(res, 401, { code: 'SIGN_ERROR', ...failure });
      if (parsed) {
        uploads.push({ path: url.pathname, ...parsed });
        const meta = JSON.parse(parsed.metaText) as { sha256?: string };
        // An endpoint that names its digest otherwise (file_digest, digest) sends no sha256.
        if (meta.sha256 !== undefined && meta.sha256 !== createHash('sha256').update(parsed.file).digest('hex')) return signedJson(res, 400, { code: 'PARAM_ERROR', message: 'sha256 mismatch' });
        return signedJson(res, 200, { media_id: `media-${uploads.length}` });
      }
      if (url.pathname === '/v3/billdownload/file') return sendFile(res, files.get(url.searchParams.get('token') ?? ''));
      // Fapiao files: the download info names the file by `path` on the fapiao download operation.
      if (url.pathname === '/v3/new-tax-control-fapiao/download') return sendFile(res, files.get(url.searchParams.get('path') ?? ''));
      const fapiao = /^\/v3\/new-tax-control-fapiao\/fapiao-applications\/([^/]+)\/fapiao-files$/.exec(url.pathname);
      if (fapiao) {
        const download_url = `${origin}/v3/new-tax-control-fapiao/download?mchid=${sandbox.mchid}&path=${fapiao[1]}`;
        return signedJson(res, 200, { fapiao_download_info_list: [{ fapiao_id: url.searchParams.get('fapiao_id'), download_url, status: 'ISSUED' }] });
      }
      if (url.pathname === '/v3/bill/sub-merchant-fundflowbill') {
        const file = bills.get(url.searchParams.get('bill_date') ?? '');
        if (!file) return signedJson(res, 400, { code: 'NO_STATEMENT_EXIST', message: 'no bill' });
        // Encrypted as WeChat Pay does: a fresh key RSA-OAEP wrapped to the merchant, AES-256-GCM, tag last.
        const key = randomBytes(32);
        const nonce = randomBytes(8).toString('hex');
        const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce), { authTagLength: 16 });
        const plain = url.searchParams.get('tar_type') === 'GZIP' ? gzipSync(file.body) : file.body;
        const wire = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        if (file.forged) wire[Math.floor(wire.length / 2)]! ^= 1;
        const { download_url, hash_value } = serve({ ...file, body: wire, gzip: false });
        const digest = file.wrongDigest ? hash_value : createHash('sha1').update(file.body).digest('hex');
        const encrypt_key = publicEncrypt({ key: Rsa.from(merchant.publicKey, Rsa.KEY_TYPE_PUBLIC), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64');
        return signedJson(res, 200, { download_bill_count: 1, download_bill_list: [{ bill_sequence: 1, download_url, encrypt_key, hash_type: 'SHA1', hash_value: digest, nonce }] });
      }
      if (url.pathname === '/v3/bill/tradebill' || url.pathname === '/v3/bill/fundflowbill') {
        const file = bills.get(url.searchParams.get('bill_date') ?? '');
        if (!file) return signedJson(res, 400, { code: 'NO_STATEMENT_EXIST', message: 'no bill' });
        return signedJson(res, 200, serve({ ...file, gzip: url.searchParams.get('tar_type') === 'GZIP' }));
      }
      return signedJson(res, 404, { code: 'NOT_FOUND', message: 'no such path' });
    })().catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    origin,
    config: sandbox.clientConfig({ baseURL: `${origin}/` }),
    serve,
    bills,
    uploads,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
