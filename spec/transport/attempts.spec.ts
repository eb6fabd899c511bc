// Production behaviour on a bad day, against a real 127.0.0.1 server that injects each fault:
// the code of every failure, retries (attempt counts, backoff bounds, a fresh signature each time
// that the sandbox's replay check accepts), the backup host, and the hooks (no secret in them).
import { expect } from 'chai';
import { ApiError, ArgumentError, Builder, TransportError, VerificationError, type WechatpayConfig } from '../../lib/index.js';
import type { AttemptInfo, ErrorInfo, ResponseInfo } from '../../lib/transport/hooks.js';
import { refusedURL, scripted, untrustedTls, type Scripted } from './support.js';
import { rejection } from '../support/rejection.js';
import { recordTimers } from '../support/timers.js';

const USER_AUTHORIZATIONS = 'v3/businesscircle/user-authorizations/{openid}';
const PERMISSION_TOKENS = 'v3/marketing/membercard-open/cards/{card_id}/permission-tokens';
const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
const APPID = 'wx1234567890abcdef';
const CARD_ID = 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM';
const FAST = { attempts: 3, minDelay: 40, maxDelay: 80 };


describe('transport failures, retries, backup host and hooks (127.0.0.1)', () => {
  let server: Scripted;
  const client = (more: Partial<WechatpayConfig> = {}) => Builder.factory(server.sandbox.clientConfig({ baseURL: server.url, ...more }));
  const get = (wxpay: ReturnType<typeof client>, more: Record<string, unknown> = {}) => wxpay.chain(USER_AUTHORIZATIONS).get({ openid: OPENID, query: { appid: APPID }, ...more });
  const post = (wxpay: ReturnType<typeof client>, more: Record<string, unknown> = {}) => wxpay.chain(PERMISSION_TOKENS).post({ card_id: CARD_ID, json: { activate_type: 'AUTO_ACTIVATE' }, ...more });

  beforeEach(async () => {
    server = await scripted();
  });
  afterEach(() => server.close());

  describe('each failure has its own code, and says how many requests were sent', () => {
    it('connection refused: ERR_CONNECT_REFUSED, 1 attempt', async () => {
      const error = await rejection(get(client({ baseURL: await refusedURL() })));
      expect(error).to.be.instanceOf(TransportError).and.include({ code: 'ERR_CONNECT_REFUSED', attempts: 1, answered: false });
      expect((error.cause as { code: string }).code).to.equal('ECONNREFUSED');
    });

    it('DNS failure: ERR_DNS (a resolver that fails, no network touched)', async () => {
      const lookup = (_host: string, _options: unknown, callback: (error: Error) => void) => callback(Object.assign(new Error('getaddrinfo ENOTFOUND api.invalid'), { code: 'ENOTFOUND' }));
      const error = await rejection(get(client({ baseURL: 'http://api.invalid/', lookup } as Partial<WechatpayConfig>)));
      expect(error).to.include({ code: 'ERR_DNS', attempts: 1 });
    });

    it('TLS handshake failure: ERR_TLS', async () => {
      const tls = await untrustedTls();
      try {
        expect(await rejection(get(client({ baseURL: tls.url })))).to.include({ code: 'ERR_TLS', attempts: 1, answered: false });
      } finally {
        await tls.close();
      }
    });

    it('reset before the headers: ERR_CONNECTION_RESET; mid-body: ERR_RESPONSE_INCOMPLETE, answered', async () => {
      server.script.push('reset-before-headers', 'reset-mid-body');
      expect(await rejection(get(client()))).to.include({ code: 'ERR_CONNECTION_RESET', answered: false, attempts: 1 });
      expect(await rejection(get(client()))).to.include({ code: 'ERR_RESPONSE_INCOMPLETE', answered: true, attempts: 1 });
    });

    it('a stall past the timeout: ERR_TIMEOUT; the caller aborting: ERR_CANCELED', async () => {
      server.script.push('stall', 'stall');
      expect(await rejection(get(client({ timeout: 150 })))).to.include({ code: 'ERR_TIMEOUT', attempts: 1 });
      expect(await rejection(get(client(), { signal: AbortSignal.timeout(100) }))).to.include({ code: 'ERR_CANCELED', attempts: 1 });
    });

    it('refused before sending: attempts 0; an answer that fails verification: attempts 1', async () => {
      expect(await rejection(get(client(), { openid: '' }))).to.be.instanceOf(ArgumentError).with.property('attempts', 0);
      server.sandbox.faults.next('tamper-body');
      expect(await rejection(get(client({ retry: FAST })))).to.be.instanceOf(VerificationError).and.include({ code: 'ERR_RESPONSE_SIGNATURE', attempts: 1 });
      expect(server.arrivals).to.have.length(1);
    });

    it('a base URL without a scheme is ERR_CONFIG', () => {
      for (const baseURL of ['api.mch.weixin.qq.com', 'localhost:3000/', 'ftp://x/']) {
        expect(() => client({ baseURL })).to.throw(ArgumentError).with.property('code', 'ERR_CONFIG');
      }
      expect(() => client({ backupBaseURL: 'api2.mch.weixin.qq.com' })).to.throw(ArgumentError, /backupBaseURL/);
    });
  });

  describe('retry', () => {
    it('is off by default: one 500 is the answer', async () => {
      server.script.push(500);
      expect(await rejection(get(client()))).to.be.instanceOf(ApiError).and.include({ status: 500, attempts: 1 });
    });

    it('retries 5xx and 429 after jittered exponential waits, never below minDelay, each attempt signed anew and accepted', async () => {
      // The draw pinned low, then high: retry n waits between half and all of min(maxDelay,
      // minDelay·2^n), never below minDelay. The timers the client sets are recorded (they still
      // run for real): its retry waits must be exactly those. A timer never fires early, so each
      // gap between arrivals is at least its wait (less 2 ms of clock rounding), however loaded the
      // machine; no upper bound on real time is sound, and backoff's ceiling has its own spec.
      const cases = [[0, [30, 50, 50]], [0.999, [60, 100, 100]]] as const;
      const { random } = Math;
      const { delays, restore } = recordTimers();
      try {
        for (const [draw, waits] of cases) {
          Math.random = () => draw;
          delays.length = 0;
          server.arrivals.length = 0;
          server.script.push(500, 429, 503);
          const { data } = await get(client({ retry: { attempts: 4, minDelay: 30, maxDelay: 100 } }));
          expect(data).to.have.property('authorize_state', 'AUTHORIZED');
          expect(delays, `draw ${draw}`).to.deep.equal(waits);
          const { arrivals } = server;
          expect(arrivals).to.have.length(4);
          expect(new Set(arrivals.map((arrival) => arrival.nonce)).size).to.equal(4);
          for (const arrival of arrivals) expect(Number(arrival.timestamp)).to.be.closeTo(Date.now() / 1000, 5);
          const gaps = arrivals.slice(1).map((arrival, i) => arrival.at - arrivals[i]!.at);
          gaps.forEach((gap, i) => expect(gap, `draw ${draw}, gap ${i + 1}`).to.be.at.least(waits[i]! - 2));
        }
      } finally {
        Math.random = random;
        restore();
      }
    });

    it('gives up after `attempts`; the error says how many', async () => {
      server.script.push(500, 500, 500, 500);
      const error = await rejection(get(client({ retry: FAST })));
      expect(error).to.be.instanceOf(ApiError).and.include({ code: 'SYSTEM_ERROR', attempts: 3 });
      expect(error.message).to.include('after 3 attempts');
      expect(server.arrivals).to.have.length(3);
    });

    it('retries a reset before the headers and a stall past the timeout, never a cut-off answer', async () => {
      server.script.push('reset-before-headers', 'stall');
      // The timeout ends the stall, and must leave the last attempt (a real signed answer) time
      // to arrive on a busy machine too.
      expect((await get(client({ retry: FAST, timeout: 2000 }))).status).to.equal(200);
      expect(server.arrivals).to.have.length(3);
      server.arrivals.length = 0;
      server.script.push('reset-mid-body');
      expect(await rejection(get(client({ retry: FAST })))).to.include({ code: 'ERR_RESPONSE_INCOMPLETE', attempts: 1 });
      expect(server.arrivals).to.have.length(1);
    });

    it('never retries a 4xx other than 429', async () => {
      server.script.push(400);
      expect(await rejection(get(client({ retry: FAST })))).to.include({ code: 'PARAM_ERROR', attempts: 1 });
      expect(server.arrivals).to.have.length(1);
    });

    it('retries GET only, unless methods opts POST in (per client or per call)', async () => {
      server.script.push(500);
      expect(await rejection(post(client({ retry: FAST })))).to.include({ status: 500, attempts: 1 });
      server.script.push(500);
      expect((await post(client({ retry: { ...FAST, methods: ['GET', 'POST'] } }))).data).to.have.property('permission_token');
      server.script.push(500);
      expect((await post(client(), { retry: { ...FAST, methods: ['POST'] } })).status).to.equal(200);
      server.script.push(500);
      expect(await rejection(get(client({ retry: FAST }), { retry: false }))).to.include({ attempts: 1 });
    });

    it('stops waiting at once when the caller aborts during the backoff', async () => {
      server.script.push(500, 500);
      const controller = new AbortController();
      let aborted = 0;
      // Aborted once the 10 s wait has begun (the error hook runs just before it), however long
      // the first attempt took; the rejection must follow at once, not after the wait.
      const error = (info: ErrorInfo) => {
        if (info.retrying) setTimeout(() => (aborted = performance.now(), controller.abort()), 0);
      };
      const pending = rejection(get(client({ retry: { attempts: 3, minDelay: 10_000, maxDelay: 10_000 }, hooks: { error } }), { signal: controller.signal }));
      expect(await pending).to.include({ code: 'ERR_CANCELED', attempts: 1 });
      expect(aborted).to.be.above(0);
      expect(performance.now() - aborted).to.be.below(5_000);
    });

    it('refuses a bad retry option before sending', () => {
      expect(() => client({ retry: { attempts: 0 } })).to.throw(ArgumentError, /retry.attempts/);
      expect(() => client({ retry: { minDelay: 50, maxDelay: 10 } })).to.throw(ArgumentError, /maxDelay/);
      expect(() => client({ retry: { tries: 3 } as never })).to.throw(ArgumentError, /retry.tries/);
    });
  });

  describe('backupBaseURL', () => {
    it('takes the next attempt when the primary refuses the connection, for any method, at once', async () => {
      const calls: AttemptInfo[] = [];
      const wxpay = client({ baseURL: await refusedURL(), backupBaseURL: server.url, hooks: { request: (info) => calls.push(info) } });
      expect((await post(wxpay)).status).to.equal(200);
      expect(calls.map((info) => [info.attempt, info.url.startsWith(server.url)])).to.deep.equal([[1, false], [2, true]]);
      expect(server.arrivals).to.have.length(1);
    });

    it('takes it when DNS fails, and the error after both counts both', async () => {
      const lookup = (_host: string, _options: unknown, callback: (error: Error) => void) => callback(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }));
      const wxpay = client({ baseURL: 'http://primary.invalid/', backupBaseURL: 'http://backup.invalid/', lookup } as Partial<WechatpayConfig>);
      expect(await rejection(get(wxpay))).to.include({ code: 'ERR_DNS', attempts: 2 });
    });

    it('is never used once an answer arrived', async () => {
      const backup = await scripted();
      try {
        server.script.push(500, 'reset-mid-body');
        const wxpay = client({ backupBaseURL: backup.url });
        expect(await rejection(get(wxpay))).to.include({ status: 500, attempts: 1 });
        expect(await rejection(get(wxpay))).to.include({ code: 'ERR_RESPONSE_INCOMPLETE', attempts: 1 });
        expect(backup.arrivals).to.have.length(0);
      } finally {
        await backup.close();
      }
    });
  });

  describe('hooks', () => {
    it('hear every attempt, carry no secret, and a throwing hook changes nothing', async () => {
      const heard: { request: AttemptInfo[]; response: ResponseInfo[]; error: ErrorInfo[] } = { request: [], response: [], error: [] };
      const wxpay = client({
        retry: FAST,
        hooks: {
          request: (info) => { heard.request.push(info); throw new Error('broken logger'); },
          response: (info) => { heard.response.push(info); return Promise.reject(new Error('broken async logger')) as never; },
          error: (info) => { heard.error.push(info); throw new Error('broken logger'); },
        },
      });
      server.script.push(500);
      const { data } = await get(wxpay);
      expect(data).to.have.property('authorize_state', 'AUTHORIZED');
      expect(heard.request.map((info) => info.attempt)).to.deep.equal([1, 2]);
      expect(heard.error).to.have.length(1);
      expect(heard.error[0]).to.include({ method: 'GET', template: USER_AUTHORIZATIONS, attempt: 1, code: 'SYSTEM_ERROR', status: 500, requestId: 'rid-500', retrying: true });
      expect(heard.response[0]).to.include({ status: 200, attempt: 2, url: `${server.url}v3/businesscircle/user-authorizations/${OPENID}?appid=` });
      expect(heard.response[0]!.ms).to.be.a('number').at.least(0);
      expect(heard.response[0]!.requestId).to.be.a('string');

      // Nothing secret: no key, no signature, no header value, no query value, no body.
      const merchant = server.sandbox.merchant;
      const text = JSON.stringify(heard);
      expect(text).not.to.include(APPID);
      expect(text).not.to.match(/signature|WECHATPAY2|BEGIN|nonce|mchid=/i);
      for (const line of merchant.privateKey.split('\n').filter((l) => l.length > 20)) expect(text).not.to.include(line);
      expect(text).not.to.include(merchant.serial);

      server.script.push(400);
      expect(await rejection(post(wxpay))).to.include({ code: 'PARAM_ERROR', attempts: 1 });
      expect(heard.error.at(-1)).to.include({ method: 'POST', retrying: false, status: 400 });
      expect(JSON.stringify(heard)).not.to.include('AUTO_ACTIVATE');
    });

    it('refuses `hooks` that is not an object', () => {
      expect(() => client({ hooks: 'log' as never })).to.throw(ArgumentError, /hooks/);
    });
  });
});
