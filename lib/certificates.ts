/**
 * The platform certificate downloader: `GET v3/certificates`, each `encrypt_certificate`
 * decrypted with the APIv3 key, each certificate's serial checked against its `serial_no`, and
 * the download's own signature verified with the certificates it carried (a first download has
 * nothing else to verify with; the AEAD tag already proves the certificates came from someone
 * holding the APIv3 key).
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import axios, { type AxiosResponse } from 'axios';
import { AesGcm } from './crypto/aes-gcm.js';
import { Rsa, type RsaKeyLike } from './crypto/rsa.js';
import { ArgumentError, WechatpayError } from './errors.js';
import { signer } from './signer.js';
import { headerOf, verifier, verifySigned } from './verifier.js';

/** One platform certificate, decrypted and checked. */
export interface PlatformCertificate {
  /** The certificate's serial, as WeChat Pay writes `serial_no` (upper-case hex). */
  serial: string;
  /** The certificate in PEM, ready to write as `wechatpay_<serial>.pem`. */
  certificate: string;
  /** Its public key: what verifies answers signed under {@link PlatformCertificate.serial}. */
  publicKey: KeyObject;
  /** `effective_time` as WeChat Pay announced it. */
  effectiveTime: Date;
  /** When the key stops being trusted: the earlier of `expire_time` and the certificate's notAfter. */
  expireTime: Date;
}

/** What {@link downloadCertificates} needs: the merchant's credentials to sign the request, and the APIv3 key. */
export interface CertificateDownloadOptions {
  mchid: string;
  /** The merchant API certificate serial. */
  serial: string;
  /** The merchant API private key; a `KeyObject` or anything `Rsa.from` reads. */
  privateKey: RsaKeyLike;
  /** The APIv3 key (32 bytes) the certificates are encrypted with. */
  apiv3Key: string | Buffer;
  /** Default `https://api.mch.weixin.qq.com/`. */
  baseURL?: string;
  /** Request timeout in ms; default none, as axios. */
  timeout?: number;
  /**
   * WeChat Pay keys already trusted: an answer signed by one of them verifies too, and the
   * preferred one is sent as `Wechatpay-Serial`.
   */
  trusted?: ReadonlyMap<string, KeyObject>;
}

const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com/';
const ALGORITHM = 'AEAD_AES_256_GCM';

/** The shape of one `data[]` entry; everything is checked, since it came over the network. */
interface Entry {
  serial_no?: unknown;
  effective_time?: unknown;
  expire_time?: unknown;
  encrypt_certificate?: { algorithm?: unknown; nonce?: unknown; associated_data?: unknown; ciphertext?: unknown };
}

const invalid = (message: string) => new WechatpayError('ERR_CERTIFICATE', `v3/certificates: ${message}`);

function dateOf(value: unknown, field: string, serial: string): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw invalid(`${field} of ${serial} is not a date`);
  return date;
}

/** Decrypts and checks one entry; `apiv3Key` only ever reaches `AesGcm.decrypt`. */
function certificateOf(entry: Entry, apiv3Key: string | Buffer): PlatformCertificate {
  const serial = typeof entry?.serial_no === 'string' ? entry.serial_no : undefined;
  if (!serial) throw invalid('an entry has no serial_no');
  const sealed = entry.encrypt_certificate;
  if (!sealed || typeof sealed !== 'object') throw invalid(`${serial} has no encrypt_certificate`);
  if (sealed.algorithm !== ALGORITHM) throw new WechatpayError('ERR_ALGORITHM', `v3/certificates: ${serial} is encrypted with ${JSON.stringify(sealed.algorithm)}, not ${ALGORITHM}`);
  if (typeof sealed.nonce !== 'string' || typeof sealed.ciphertext !== 'string') throw invalid(`${serial} lacks nonce or ciphertext`);
  const aad = typeof sealed.associated_data === 'string' ? sealed.associated_data : '';
  const pem = AesGcm.decrypt(sealed.ciphertext, apiv3Key, sealed.nonce, aad);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch {
    throw invalid(`${serial} does not decrypt to an X.509 certificate`);
  }
  // A certificate filed under another serial would make answers verify under the wrong name.
  if (Rsa.serial(x509) !== serial.toUpperCase()) throw invalid(`the certificate filed as ${serial} has serial ${Rsa.serial(x509)}`);
  const notAfter = new Date(x509.validTo);
  const expireTime = entry.expire_time === undefined ? notAfter : dateOf(entry.expire_time, 'expire_time', serial);
  return {
    serial: serial.toUpperCase(),
    certificate: pem.endsWith('\n') ? pem : `${pem}\n`,
    publicKey: Rsa.from(pem, Rsa.KEY_TYPE_PUBLIC),
    effectiveTime: entry.effective_time === undefined ? new Date(x509.validFrom) : dateOf(entry.effective_time, 'effective_time', serial),
    expireTime: expireTime < notAfter ? expireTime : notAfter,
  };
}

/**
 * Downloads, decrypts and verifies the merchant's platform certificates; returns them by serial.
 *
 * @throws ArgumentError `ERR_CONFIG` for missing credentials or an APIv3 key that is not 32 bytes.
 * @throws ApiError WeChat Pay's own error, e.g. `404 RESOURCE_NOT_EXISTS` for a merchant that
 * only has a WeChat Pay public key.
 * @throws WechatpayError `ERR_DECRYPT` (wrong APIv3 key, altered ciphertext), `ERR_ALGORITHM`,
 * `ERR_CERTIFICATE` (a malformed entry, a serial mismatch).
 * @throws VerificationError when the download's signature does not verify.
 * @throws TransportError when no answer came.
 */
export async function downloadCertificates(options: CertificateDownloadOptions): Promise<Map<string, PlatformCertificate>> {
  const { mchid, serial, apiv3Key, baseURL = DEFAULT_BASE_URL, timeout, trusted = new Map() } = options ?? ({} as CertificateDownloadOptions);
  for (const [field, value] of Object.entries({ mchid, serial })) {
    if (typeof value !== 'string' || value === '') throw new ArgumentError('ERR_CONFIG', `downloadCertificates: ${field} is missing`);
  }
  const length = Buffer.isBuffer(apiv3Key) ? apiv3Key.length : typeof apiv3Key === 'string' ? Buffer.byteLength(apiv3Key) : -1;
  if (length !== 32) throw new ArgumentError('ERR_CONFIG', `downloadCertificates: the APIv3 key must be 32 bytes, got ${length < 0 ? typeof apiv3Key : length}`);
  let privateKey: KeyObject;
  try {
    privateKey = Rsa.from(options.privateKey, Rsa.KEY_TYPE_PRIVATE);
  } catch (error) {
    throw new ArgumentError('ERR_CONFIG', `downloadCertificates: privateKey ${error instanceof WechatpayError ? error.message : 'does not parse'}`);
  }

  const instance = axios.create({
    baseURL,
    timeout,
    maxRedirects: 0,
    headers: { Accept: 'application/json' },
    responseType: 'arraybuffer',
    transformResponse: [(data: unknown) => data],
    validateStatus: null,
  });
  instance.interceptors.request.use(signer(instance, { mchid, serial, privateKey, keys: trusted }));
  // The client's own interceptors decide what is an ApiError or a TransportError; the 2xx check is ours.
  const outcome = verifier(new Map());
  let response: AxiosResponse<Buffer>;
  try {
    response = await instance.get<Buffer>('v3/certificates');
  } catch (error) {
    return outcome.onRejected(error);
  }
  if (response.status < 200 || response.status >= 300) outcome.onFulfilled(response);
  const body = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? '');

  let data: unknown;
  try {
    data = (JSON.parse(body.toString('utf8')) as { data?: unknown }).data;
  } catch {
    throw invalid('the answer is not JSON');
  }
  if (!Array.isArray(data)) throw invalid('the answer has no data array');
  const certificates = new Map((data as Entry[]).map((entry) => certificateOf(entry, apiv3Key)).map((cert) => [cert.serial, cert] as const));

  const keys = new Map(trusted);
  for (const [id, cert] of certificates) keys.set(id, cert.publicKey);
  verifySigned(response.headers, body, keys, { status: response.status, requestId: headerOf(response.headers, 'Request-ID') });
  return certificates;
}
