// End to end: the real client against the real loopback sandbox server. Both documented
// endpoints in all six call styles, their documented errors, and every fault switch ending in
// the error the client must raise.
import { expect } from 'chai';
import { ApiError, Builder, TransportError, VerificationError, type WechatpayClient } from '../../lib/index.js';
import { Sandbox, type Fault, type ListeningSandbox } from '../../lib/testing/index.js';
import { APPID, CARD_ID, FOREIGN_CARD_ID, KEYS, OPENID, OTHER_KEYS } from './support.js';
import { rejection } from '../support/rejection.js';

const USER_AUTHORIZATIONS = 'v3/businesscircle/user-authorizations/{openid}';
const PERMISSION_TOKENS = 'v3/marketing/membercard-open/cards/{card_id}/permission-tokens';
const query = { appid: APPID };
const json = { activate_type: 'AUTO_ACTIVATE' } as const;

/** Both endpoints, each in the six call styles: three ways to name it, each verb and its Async twin. */
const CALLS = {
  'chained get': (w: WechatpayClient) => w.v3.businesscircle.userAuthorizations._openid_.get({ openid: OPENID, query }),
  'chained getAsync': (w: WechatpayClient) => w.v3.businesscircle.userAuthorizations._openid_.getAsync({ openid: OPENID, query }),
  'chain() get': (w: WechatpayClient) => w.chain(USER_AUTHORIZATIONS).get({ openid: OPENID, query }),
  'chain() getAsync': (w: WechatpayClient) => w.chain(USER_AUTHORIZATIONS).getAsync({ openid: OPENID, query }),
  'bracket get': (w: WechatpayClient) => w[USER_AUTHORIZATIONS].get({ openid: OPENID, query }),
  'bracket getAsync': (w: WechatpayClient) => w[USER_AUTHORIZATIONS].getAsync({ openid: OPENID, query }),
  'chained post': (w: WechatpayClient) => w.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id: CARD_ID, json }),
  'chained postAsync': (w: WechatpayClient) => w.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.postAsync({ card_id: CARD_ID, json }),
  'chain() post': (w: WechatpayClient) => w.chain(PERMISSION_TOKENS).post({ card_id: CARD_ID, json }),
  'chain() postAsync': (w: WechatpayClient) => w.chain(PERMISSION_TOKENS).postAsync({ card_id: CARD_ID, json }),
  'bracket post': (w: WechatpayClient) => w[PERMISSION_TOKENS].post({ card_id: CARD_ID, json }),
  'bracket postAsync': (w: WechatpayClient) => w[PERMISSION_TOKENS].postAsync({ card_id: CARD_ID, json }),
};


/** Every fault and what the client must make of it (`delay` needs a timeout, below). */
const FAULT_OUTCOMES: [Fault, new (...args: never[]) => Error, string][] = [
  ['tamper-body', VerificationError, 'ERR_RESPONSE_SIGNATURE'],
  ['wrong-serial', VerificationError, 'ERR_RESPONSE_SERIAL'],
  ['stale-timestamp', VerificationError, 'ERR_RESPONSE_TIMESTAMP'],
  ['missing-headers', VerificationError, 'ERR_RESPONSE_HEADERS'],
  ['probe-signature', VerificationError, 'ERR_SIGNATURE_PROBE'],
  ['system-error', ApiError, 'SYSTEM_ERROR'],
];

for (const mode of ['pubkey', 'certificate'] as const) {
  describe(`Sandbox end to end: client ↔ loopback server (${mode} mode)`, () => {
    const sandbox = new Sandbox({ keys: KEYS, mode, delayMs: 2000 });
    let server: ListeningSandbox;
    let wxpay: WechatpayClient;
    before(async () => {
      server = await sandbox.listen();
      wxpay = Builder.factory(sandbox.clientConfig({ baseURL: server.url }));
    });
    after(() => server.close());
    afterEach(() => sandbox.faults.clear());

    for (const [style, call] of Object.entries(CALLS)) {
      it(`${style}: a verified answer`, async () => {
        const { status, data } = await call(wxpay);
        expect(status).to.equal(200);
        if (style.includes('get')) expect(data).to.include({ openid: OPENID, authorize_state: 'AUTHORIZED' });
        else expect(data).to.have.property('permission_token').that.is.a('string');
      });
    }

    it('documented errors arrive as ApiError with WeChat Pay code, detail and Request-ID', async () => {
      const missing = await rejection(wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: OPENID, query: {} as typeof query }));
      expect(missing).to.be.instanceOf(ApiError).and.include({ status: 400, code: 'PARAM_ERROR', message: 'appid is required' });
      expect((missing as ApiError).requestId).to.match(/^[0-9A-F]{40}$/);
      expect((missing as ApiError).detail).to.deep.equal({ location: 'query', field: 'appid' });

      const jump = await rejection(wxpay[PERMISSION_TOKENS].post({ card_id: CARD_ID, json: { activate_type: 'JUMP_ACTIVATE' } }));
      expect(jump).to.include({ status: 400, code: 'PARAM_ERROR' });
      const foreign = await rejection(wxpay[PERMISSION_TOKENS].post({ card_id: FOREIGN_CARD_ID, json }));
      expect(foreign).to.include({ status: 400, code: 'INVALID_REQUEST' });
      const unknown = await rejection(wxpay.chain('v3/no/such/endpoint').get());
      expect(unknown).to.be.instanceOf(ApiError).and.include({ status: 404, code: 'NOT_FOUND' });
    });

    it('403 NO_AUTH for a merchant without the capability', async () => {
      const closed = new Sandbox({ keys: KEYS, mode, capabilities: { membercard: false } });
      const other = await closed.listen();
      try {
        const client = Builder.factory(closed.clientConfig({ baseURL: other.url }));
        expect(await rejection(client[PERMISSION_TOKENS].post({ card_id: CARD_ID, json }))).to.include({ status: 403, code: 'NO_AUTH' });
        expect((await client[USER_AUTHORIZATIONS].get({ openid: OPENID, query })).status).to.equal(200);
      } finally {
        await other.close();
      }
    });

    it('a client signing with another key gets 401 SIGN_ERROR', async () => {
      const impostor = Builder.factory({ ...sandbox.clientConfig({ baseURL: server.url }), privateKey: OTHER_KEYS.merchant });
      const error = await rejection(impostor[USER_AUTHORIZATIONS].get({ openid: OPENID, query }));
      expect(error).to.be.instanceOf(ApiError).and.include({ status: 401, code: 'SIGN_ERROR' });
      expect(error.message).to.match(/^signature does not verify/);
    });

    for (const [fault, type, code] of FAULT_OUTCOMES) {
      it(`fault ${fault} → ${type.name} ${code}`, async () => {
        sandbox.faults.next(fault);
        const error = await rejection(wxpay[USER_AUTHORIZATIONS].get({ openid: OPENID, query }));
        expect(error).to.be.instanceOf(type).and.include({ code });
        if (fault === 'system-error') expect(error).to.include({ status: 500 });
        expect((await wxpay[USER_AUTHORIZATIONS].get({ openid: OPENID, query })).status, 'the next request is clean').to.equal(200);
      });
    }

    it('fault delay beyond the timeout option → TransportError', async () => {
      sandbox.faults.next('delay');
      // The answer comes after 2000 ms: without the 200 ms deadline the call would succeed.
      const error = await rejection(wxpay[USER_AUTHORIZATIONS].get({ openid: OPENID, query, timeout: 200 }));
      expect(error).to.be.instanceOf(TransportError).and.include({ code: 'ERR_TIMEOUT', message: 'no complete answer within 200 ms' });
    });

    it('fault reset → TransportError', async () => {
      sandbox.faults.next('reset');
      expect(await rejection(wxpay[PERMISSION_TOKENS].post({ card_id: CARD_ID, json }))).to.be.instanceOf(TransportError);
    });

    it('a fault rate hits a deterministic share of requests', async () => {
      sandbox.faults.rate('system-error', 0.5);
      const outcomes = [];
      for (let i = 0; i < 4; i += 1) {
        outcomes.push(await wxpay[USER_AUTHORIZATIONS].get({ openid: OPENID, query }).then(() => 'ok', (error: ApiError) => error.code));
      }
      expect(outcomes).to.deep.equal(['ok', 'SYSTEM_ERROR', 'ok', 'SYSTEM_ERROR']);
    });
  });
}

describe('Sandbox certificate mode', () => {
  it('signs with a self-signed certificate whose serial is the platform id, usable as a cert in the client config', async () => {
    const sandbox = new Sandbox({ keys: KEYS, mode: 'certificate' });
    const { id, certificate } = sandbox.platform;
    expect(id).to.match(/^[0-9A-F]{40}$/);
    const server = await sandbox.listen();
    try {
      const wxpay = Builder.factory({ ...sandbox.clientConfig({ baseURL: server.url }), certs: { [id]: certificate! } });
      expect((await wxpay[USER_AUTHORIZATIONS].get({ openid: OPENID, query })).data.authorize_state).to.equal('AUTHORIZED');
    } finally {
      await server.close();
    }
  });
});
