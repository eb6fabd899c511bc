// The Node floor of one call: what any client must do at the least, with nothing but node:
// one RSA-SHA256 signature (on the thread pool, as wechatpay-ts signs), one bare keep-alive
// node:http request carrying the same headers, the answer's body read, and one verification.
// The sandbox checks the signature, so the floor is a real, accepted request.
import { createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Formatter } from 'wechatpay-ts';
import { PATH, SEARCH } from './clients.mjs';

/** A request function for the floor against the sandbox listening at `baseURL`. */
export function floorRequest(sandbox, baseURL) {
  const { merchant, platform } = sandbox;
  const privateKey = sandbox.keys.merchant;
  const platformKey = platform.certificate ? new X509Certificate(platform.certificate).publicKey : createPublicKey(platform.publicKey);
  const { hostname, port } = new URL(baseURL);
  const agent = new Agent({ keepAlive: true });
  const target = PATH + SEARCH;
  const userAgent = `wechatpay-ts/0.1.0 node/${process.versions.node}`;
  return () => new Promise((resolve, reject) => {
    const nonce = Formatter.nonce();
    const timestamp = Formatter.timestamp();
    sign('sha256', Buffer.from(Formatter.request('GET', target, timestamp, nonce, '')), privateKey, (error, signature) => {
      if (error) return reject(error);
      const headers = {
        Accept: 'application/json',
        'User-Agent': userAgent,
        Authorization: Formatter.authorization(merchant.mchid, nonce, signature.toString('base64'), timestamp, merchant.serial),
        'Wechatpay-Serial': platform.id,
      };
      request({ hostname, port, path: target, method: 'GET', headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const h = res.headers;
          if (res.statusCode !== 200) return reject(new Error(`floor: status ${res.statusCode} ${body}`));
          const ok = verify('sha256', Buffer.from(Formatter.response(h['wechatpay-timestamp'], h['wechatpay-nonce'], body)), platformKey, Buffer.from(h['wechatpay-signature'], 'base64'));
          if (!ok) return reject(new Error('floor: the answer does not verify'));
          resolve(JSON.parse(body.toString('utf8')));
        });
      }).on('error', reject).end();
    });
  });
}
