// Shared by the sandbox specs: one set of keys (RSA-2048 generation costs ~100 ms each) and a
// hand-made signed request, so that gateway specs need no client.
import { request as httpRequest } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { Formatter } from '../../lib/crypto/formatter.js';
import { Rsa } from '../../lib/crypto/rsa.js';
import { Sandbox } from '../../lib/testing/index.js';

export const KEYS = Sandbox.generateKeys();
export const OTHER_KEYS = Sandbox.generateKeys();

export const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
export const DEAUTHORIZED_OPENID = 'oWmnN4yyyyyyyyyyyyyyDEAUTHd8';
export const APPID = 'wx1234567890abcdef';
export const CARD_ID = 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM';
export const FOREIGN_CARD_ID = 'pDF3JyyyyyyyyyyyyyyyyyyyyyyM';
export const AUTHORIZATION_PATH = `/v3/businesscircle/user-authorizations/${OPENID}?appid=${APPID}`;
export const TOKEN_PATH = `/v3/marketing/membercard-open/cards/${CARD_ID}/permission-tokens`;

/** What goes into one hand-signed request; each field can be spoiled on purpose. */
export interface SignedRequest {
  method?: string;
  /** The request-target as sent on the wire. */
  target: string;
  body?: string;
  /** The request-target that is signed, when it should differ from `target`. */
  signedTarget?: string;
  /** The body that is signed, when it should differ from `body`. */
  signedBody?: string;
  key?: KeyObject;
  mchid?: string;
  serial?: string;
  timestamp?: number;
  nonce?: string;
  /** Replaces the whole Authorization header (or drops it, with `null`). */
  authorization?: string | null;
}

/** Signs as WeChat Pay wants, then lets the caller spoil one piece. */
export function authorizationFor(sandbox: Sandbox, init: SignedRequest): string | null {
  if (init.authorization !== undefined) return init.authorization;
  const { mchid, serial, privateKey } = sandbox.clientConfig();
  const timestamp = init.timestamp ?? Formatter.timestamp();
  const nonce = init.nonce ?? Formatter.nonce();
  const message = Formatter.request(init.method ?? 'GET', init.signedTarget ?? init.target, timestamp, nonce, init.signedBody ?? init.body ?? '');
  const signature = Rsa.sign(message, init.key ?? privateKey);
  return Formatter.authorization(init.mchid ?? mchid, nonce, signature, timestamp, init.serial ?? serial);
}

/** The raw answer of one request. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: { code?: string; message?: string; [key: string]: unknown };
}

/** Sends with node:http so that the request-target goes out exactly as written (fetch would normalise it). */
export function send(sandbox: Sandbox, url: string, init: SignedRequest): Promise<RawAnswer> {
  const authorization = authorizationFor(sandbox, init);
  const base = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({
      host: base.hostname,
      port: base.port,
      method: init.method ?? 'GET',
      path: init.target,
      headers: {
        Accept: 'application/json',
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(authorization === null ? {} : { Authorization: authorization }),
      },
      agent: false,
    }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: incoming.statusCode!, headers: incoming.headers as Record<string, string>, body, json: body ? JSON.parse(body) : {} });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}

/** Whether an answer carries a valid platform signature over its exact body. */
export function isSignedBy(sandbox: Sandbox, answer: RawAnswer): boolean {
  const key = sandbox.clientConfig().certs[answer.headers['wechatpay-serial']!];
  if (!key) return false;
  const message = Formatter.response(answer.headers['wechatpay-timestamp']!, answer.headers['wechatpay-nonce']!, answer.body);
  return Rsa.verify(message, answer.headers['wechatpay-signature']!, key);
}
