/**
 * What went wrong on the wire, as one stable {@link TransportErrorCode}: Node and axios name the
 * same failure many ways (`ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`, `ERR_TLS_CERT_ALTNAME_INVALID`,
 * `socket hang up`, …). The system's own code stays on `cause.code`.
 */
import { TransportError, type TransportErrorCode } from '../errors.js';

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED_BY_PEER']);
// OpenSSL's certificate verdicts reach Node as bare names; handshake failures as ERR_TLS_* / ERR_SSL_* / EPROTO.
const TLS = /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;

/** Codes meaning the host was never reached: nothing was sent, so another host may be tried. */
export const UNREACHED: ReadonlySet<TransportErrorCode> = new Set(['ERR_DNS', 'ERR_CONNECT_REFUSED', 'ERR_HOST_UNREACHABLE', 'ERR_TLS']);

/** The stable code of a raw network error (`code` of Node's or axios's error). */
export function codeOf(raw: unknown, message: string, answered: boolean): TransportErrorCode {
  if (/^maxContentLength size of \d+ exceeded$/.test(message)) return 'ERR_RESPONSE_TOO_LARGE';
  if (typeof raw !== 'string') return 'ERR_NETWORK';
  if (raw === 'ERR_CANCELED') return 'ERR_CANCELED';
  if (raw === 'ETIMEDOUT' || raw === 'ECONNABORTED') return 'ERR_TIMEOUT';
  if (raw === 'ECONNREFUSED') return 'ERR_CONNECT_REFUSED';
  if (DNS.has(raw)) return 'ERR_DNS';
  if (UNREACHABLE.has(raw)) return 'ERR_HOST_UNREACHABLE';
  if (TLS.test(raw)) return 'ERR_TLS';
  // After the headers, a cut connection leaves the answer incomplete (axios: ERR_BAD_RESPONSE "aborted").
  if (answered && (RESET.has(raw) || raw === 'ERR_BAD_RESPONSE' || raw === 'ERR_STREAM_PREMATURE_CLOSE')) return 'ERR_RESPONSE_INCOMPLETE';
  if (RESET.has(raw)) return 'ERR_CONNECTION_RESET';
  return 'ERR_NETWORK';
}

/**
 * A clean copy of a transport failure, its message, code and name only: axios errors hold the
 * request config and socket, which have no place on our error.
 */
export function cleanCopy(error: unknown): Error & { code?: unknown } {
  const cause = error instanceof Error ? error : new Error(String(error));
  return Object.assign(new Error(cause.message), { code: (cause as { code?: unknown }).code, name: cause.name });
}

/**
 * A {@link TransportError} for a request that got no complete answer, its cause a
 * {@link cleanCopy}. `answered` tells whether the status line had arrived: read off the axios
 * error, unless the caller knows (a download's body breaking off is always after the headers).
 */
export function transportErrorOf(error: unknown, known: { answered?: boolean } = {}): TransportError {
  const { response, request } = (error ?? {}) as { response?: unknown; request?: { res?: unknown } };
  const answered = known.answered ?? (response !== undefined || request?.res != null);
  const clean = cleanCopy(error);
  const stable = codeOf(clean.code, clean.message, answered);
  const message = stable === 'ERR_RESPONSE_TOO_LARGE'
    ? `the answer is larger than ${/\d+/.exec(clean.message)![0]} bytes (maxContentLength); it was not read further`
    : answered ? `the answer was cut off: ${clean.message}` : `the request got no answer: ${clean.message}`;
  return new TransportError(stable, message, clean, { answered });
}
