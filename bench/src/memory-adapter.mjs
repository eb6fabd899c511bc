// An axios adapter that answers in memory with a correctly signed answer, as the sandbox would
// have signed it: the client's own cost per request with the network taken out.
import { sign } from 'node:crypto';
import { Formatter } from 'wechatpay-ts';
import { OPENID, PATH, SEARCH } from './clients.mjs';

const BODY = JSON.stringify({ openid: OPENID, authorize_state: 'AUTHORIZED', authorize_time: '2024-05-20T10:00:00+08:00' });

export function memoryAnswer(sandbox) {
  const platformKey = sandbox.keys.platform;
  let current;
  const resign = () => {
    const timestamp = String(Formatter.timestamp());
    const nonce = Formatter.nonce();
    const bytes = Buffer.from(BODY);
    const signature = sign('sha256', Formatter.response(timestamp, nonce, bytes), platformKey).toString('base64');
    current = {
      bytes,
      text: BODY,
      timestamp,
      nonce,
      signature,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'request-id': '0A1B2C3D4E5F60718293A4B5C6D7E8F901234567',
        'wechatpay-nonce': nonce,
        'wechatpay-serial': sandbox.platform.id,
        'wechatpay-signature': signature,
        'wechatpay-timestamp': timestamp,
      },
    };
  };
  resign();
  // What axios's http adapter would hand over: a Buffer for responseType 'arraybuffer', else a string.
  const adapter = async (config) => ({
    data: config.responseType === 'arraybuffer' ? current.bytes : current.text,
    status: 200,
    statusText: 'OK',
    headers: { ...current.headers },
    config,
    request: { path: PATH + SEARCH },
  });
  // wechatpay-node-v3 has no axios: its http service (superagent) is swapped, through its own
  // createHttp(), for one that parses the same body, as superagent would.
  const httpService = {
    get: async () => ({ status: 200, data: JSON.parse(current.text) }),
    post: async () => ({ status: 200, data: JSON.parse(current.text) }),
  };
  return {
    resign,
    get current() {
      return current;
    },
    clientOptions: (name) => (name === 'wechatpay-node-v3' ? { httpService } : { adapter }),
  };
}
