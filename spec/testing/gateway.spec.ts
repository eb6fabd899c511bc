// The sandbox gateway on its own, over the real loopback server, with hand-signed requests:
// its Authorization check must be WeChat Pay's, and its endpoints must answer as documented.
import { expect } from 'chai';
import { Formatter } from '../../lib/crypto/formatter.js';
import { Sandbox, type ListeningSandbox } from '../../lib/testing/index.js';
import {
  APPID, AUTHORIZATION_PATH, CARD_ID, DEAUTHORIZED_OPENID, FOREIGN_CARD_ID, KEYS, OPENID, OTHER_KEYS, TOKEN_PATH,
  authorizationFor, isSignedBy, send, type RawAnswer,
} from './support.js';

function expectSignError(answer: RawAnswer, pattern: RegExp): void {
  expect(answer.status).to.equal(401);
  expect(answer.json.code).to.equal('SIGN_ERROR');
  expect(answer.json.message).to.match(pattern);
}

describe('Sandbox gateway (real loopback server, hand-signed requests)', () => {
  const sandbox = new Sandbox({ keys: KEYS });
  let server: ListeningSandbox;
  before(async () => {
    server = await sandbox.listen();
  });
  after(() => server.close());
  afterEach(() => sandbox.faults.clear());

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('answers a correctly signed request, signed with the platform key and with a Request-ID', async () => {
    const answer = await send(sandbox, server.url, { target: AUTHORIZATION_PATH });
    expect(answer.status).to.equal(200);
    expect(answer.json).to.deep.equal({ openid: OPENID, authorize_state: 'AUTHORIZED', authorize_time: '2024-05-20T10:00:00+08:00' });
    expect(answer.headers['request-id']).to.match(/^[0-9A-F]{40}$/);
    expect(answer.headers['wechatpay-serial']).to.equal(sandbox.platform.id).and.match(/^PUB_KEY_ID_\d+$/);
    expect(isSignedBy(sandbox, answer)).to.equal(true);
  });

  describe('the signature check is real', () => {
    it('refuses a request signed with another key', async () => {
      const answer = await send(sandbox, server.url, { target: AUTHORIZATION_PATH, key: OTHER_KEYS.merchant });
      expectSignError(answer, /^signature does not verify/);
      expect(answer.json.detail).to.deep.equal({ location: 'header', field: 'signature' });
    });

    it('refuses a body altered after signing', async () => {
      const answer = await send(sandbox, server.url, {
        method: 'POST', target: TOKEN_PATH, body: '{"activate_type":"JUMP_ACTIVATE"}', signedBody: '{"activate_type":"AUTO_ACTIVATE"}',
      });
      expectSignError(answer, /^signature does not verify/);
    });

    it('refuses a query altered after signing', async () => {
      const answer = await send(sandbox, server.url, { target: `${AUTHORIZATION_PATH}&sub_mchid=1`, signedTarget: AUTHORIZATION_PATH });
      expectSignError(answer, /^signature does not verify/);
    });

    it('verifies over the request-target as received, not as a URL parser normalises it', async () => {
      const raw = `/v3/businesscircle/./user-authorizations/${OPENID}?appid=${APPID}`;
      expect((await send(sandbox, server.url, { target: raw })).status).to.equal(200);
      expectSignError(await send(sandbox, server.url, { target: raw, signedTarget: AUTHORIZATION_PATH }), /^signature does not verify/);
    });

    it('every answer, errors too, is signed', async () => {
      const answer = await send(sandbox, server.url, { target: AUTHORIZATION_PATH, key: OTHER_KEYS.merchant });
      expect(isSignedBy(sandbox, answer)).to.equal(true);
      expect(answer.headers['request-id']).to.be.a('string');
    });
  });

  describe('each Authorization check, each with a message naming it', () => {
    it('a timestamp more than 5 minutes away', async () => {
      expectSignError(await send(sandbox, server.url, { target: AUTHORIZATION_PATH, timestamp: Formatter.timestamp() - 301 }), /^timestamp \d+ is more than 300 seconds away/);
      expectSignError(await send(sandbox, server.url, { target: AUTHORIZATION_PATH, timestamp: Formatter.timestamp() + 301 }), /^timestamp/);
      expect((await send(sandbox, server.url, { target: AUTHORIZATION_PATH, timestamp: Formatter.timestamp() - 290 })).status).to.equal(200);
    });

    it('a nonce reused within the window (a replay)', async () => {
      const replay = { target: AUTHORIZATION_PATH, authorization: authorizationFor(sandbox, { target: AUTHORIZATION_PATH }) };
      expect((await send(sandbox, server.url, replay)).status).to.equal(200);
      expectSignError(await send(sandbox, server.url, replay), /^nonce_str \w+ was already used/);
    });

    it('does not spend a nonce on a request that fails the signature', async () => {
      const nonce = Formatter.nonce();
      expectSignError(await send(sandbox, server.url, { target: AUTHORIZATION_PATH, nonce, key: OTHER_KEYS.merchant }), /^signature/);
      expect((await send(sandbox, server.url, { target: AUTHORIZATION_PATH, nonce })).status).to.equal(200);
    });

    it('an unknown mchid', async () => {
      expectSignError(await send(sandbox, server.url, { target: AUTHORIZATION_PATH, mchid: '1900000110' }), /^mchid 1900000110 is not a known merchant/);
    });

    it('an unknown serial_no', async () => {
      expectSignError(await send(sandbox, server.url, { target: AUTHORIZATION_PATH, serial: 'ABCDEF' }), /^serial_no ABCDEF is not a certificate of merchant/);
    });

    it('a missing header, a wrong scheme, malformed or missing fields', async () => {
      const signed = authorizationFor(sandbox, { target: AUTHORIZATION_PATH })!;
      const cases: [string | null, RegExp][] = [
        [null, /^Authorization header is missing/],
        [signed.replace('WECHATPAY2-SHA256-RSA2048', 'WECHATPAY2-SHA256-RSA'), /^Authorization scheme must be WECHATPAY2-SHA256-RSA2048/],
        [signed.replace(/,serial_no=/, ' serial_no='), /^Authorization fields are malformed/],
        [`${signed},mchid="1900000109"`, /^Authorization fields are malformed/],
        [signed.replace(/nonce_str="\w+",/, ''), /^Authorization field nonce_str is missing/],
        [signed.replace(/timestamp="\d+"/, 'timestamp="soon"'), /^timestamp is not a number/],
      ];
      for (const [authorization, pattern] of cases) {
        expectSignError(await send(sandbox, server.url, { target: AUTHORIZATION_PATH, authorization }), pattern);
      }
    });
  });

  describe('GET v3/businesscircle/user-authorizations/{openid}', () => {
    it('reports seeded states and times, and UNAUTHORIZED for an unknown openid', async () => {
      const deauthorized = await send(sandbox, server.url, { target: `/v3/businesscircle/user-authorizations/${DEAUTHORIZED_OPENID}?appid=${APPID}` });
      expect(deauthorized.json).to.include({ authorize_state: 'DEAUTHORIZED', deauthorize_time: '2024-06-01T18:30:00+08:00' });
      const unknown = await send(sandbox, server.url, { target: `/v3/businesscircle/user-authorizations/oUnknown?appid=${APPID}` });
      expect(unknown.json).to.deep.equal({ openid: 'oUnknown', authorize_state: 'UNAUTHORIZED' });
    });

    it('400 PARAM_ERROR without appid, or for an openid of another appid', async () => {
      const missing = await send(sandbox, server.url, { target: `/v3/businesscircle/user-authorizations/${OPENID}` });
      expect([missing.status, missing.json.code, missing.json.message]).to.deep.equal([400, 'PARAM_ERROR', 'appid is required']);
      const mismatch = await send(sandbox, server.url, { target: `/v3/businesscircle/user-authorizations/${OPENID}?appid=wx0000000000000000` });
      expect([mismatch.status, mismatch.json.code]).to.deep.equal([400, 'PARAM_ERROR']);
      expect(mismatch.json.message).to.match(/openid does not belong to appid/);
    });

    it('follows changes to sandbox.state', async () => {
      sandbox.state.authorizations.set('oChanged', { openid: 'oChanged', appid: APPID, authorize_state: 'AUTHORIZED', authorize_time: '2025-01-01T00:00:00+08:00' });
      const answer = await send(sandbox, server.url, { target: `/v3/businesscircle/user-authorizations/oChanged?appid=${APPID}` });
      expect(answer.json.authorize_state).to.equal('AUTHORIZED');
    });
  });

  describe('POST v3/marketing/membercard-open/cards/{card_id}/permission-tokens', () => {
    const post = (body: string, cardId = CARD_ID) =>
      send(sandbox, server.url, { method: 'POST', target: `/v3/marketing/membercard-open/cards/${cardId}/permission-tokens`, body });

    it('gives a permission token', async () => {
      const answer = await post('{"activate_type":"AUTO_ACTIVATE"}');
      expect(answer.status).to.equal(200);
      expect(answer.json.permission_token).to.be.a('string').with.length.above(16);
      expect((await post('{"activate_type":"JUMP_ACTIVATE","activate_appid":"wxea9c30a90fs8d3fe"}')).status).to.equal(200);
    });

    it('400 PARAM_ERROR for JUMP_ACTIVATE without activate_url or activate_appid, or a bad activate_type', async () => {
      const jump = await post('{"activate_type":"JUMP_ACTIVATE"}');
      expect([jump.status, jump.json.code, jump.json.message]).to.deep.equal([400, 'PARAM_ERROR', 'JUMP_ACTIVATE requires activate_url or activate_appid']);
      expect((await post('{"activate_type":"LATER"}')).json.code).to.equal('PARAM_ERROR');
      expect((await post('not json')).json.code).to.equal('PARAM_ERROR');
    });

    it('400 INVALID_REQUEST for an unknown card or one created by another merchant', async () => {
      const unknown = await post('{"activate_type":"AUTO_ACTIVATE"}', 'pNoSuchCard');
      expect([unknown.status, unknown.json.code]).to.deep.equal([400, 'INVALID_REQUEST']);
      const foreign = await post('{"activate_type":"AUTO_ACTIVATE"}', FOREIGN_CARD_ID);
      expect([foreign.status, foreign.json.code]).to.deep.equal([400, 'INVALID_REQUEST']);
      expect(foreign.json.message).to.match(/not created by merchant 1900000109/);
    });
  });

  it('403 NO_AUTH for a merchant without the capability', async () => {
    const closed = new Sandbox({ keys: KEYS, capabilities: { businesscircle: false, membercard: false } });
    const other = await closed.listen();
    try {
      const first = await send(closed, other.url, { target: AUTHORIZATION_PATH });
      const second = await send(closed, other.url, { method: 'POST', target: TOKEN_PATH, body: '{"activate_type":"AUTO_ACTIVATE"}' });
      expect([first.status, first.json.code, second.status, second.json.code]).to.deep.equal([403, 'NO_AUTH', 403, 'NO_AUTH']);
    } finally {
      await other.close();
    }
  });

  it('404 JSON for an unknown path or method, signed', async () => {
    const answer = await send(sandbox, server.url, { target: '/v3/no/such/thing' });
    expect([answer.status, answer.json.code]).to.deep.equal([404, 'NOT_FOUND']);
    expect((await send(sandbox, server.url, { method: 'DELETE', target: TOKEN_PATH })).status).to.equal(404);
    expect(isSignedBy(sandbox, answer)).to.equal(true);
  });

  describe('fault switches at the wire', () => {
    it('reset destroys the connection', async () => {
      sandbox.faults.next('reset');
      const failure = await send(sandbox, server.url, { target: AUTHORIZATION_PATH }).then(() => undefined, (error: NodeJS.ErrnoException) => error);
      expect(failure?.code).to.equal('ECONNRESET');
      expect((await send(sandbox, server.url, { target: AUTHORIZATION_PATH })).status).to.equal(200);
    });

    it('delay holds the answer back', async () => {
      const slow = new Sandbox({ keys: KEYS, delayMs: 150 });
      const other = await slow.listen();
      try {
        slow.faults.next('delay');
        const started = performance.now();
        expect((await send(slow, other.url, { target: AUTHORIZATION_PATH })).status).to.equal(200);
        expect(performance.now() - started).to.be.at.least(140);
      } finally {
        await other.close();
      }
    });

    it('system-error answers a signed 500 once the Authorization has passed', async () => {
      sandbox.faults.next('system-error');
      const answer = await send(sandbox, server.url, { target: AUTHORIZATION_PATH });
      expect([answer.status, answer.json.code]).to.deep.equal([500, 'SYSTEM_ERROR']);
      expect(isSignedBy(sandbox, answer)).to.equal(true);
    });
  });

  it('close() ends keep-alive connections too', async () => {
    const other = await sandbox.listen();
    const first = await fetch(new URL('v3/x', other.url)); // undici keeps the socket alive
    await first.arrayBuffer();
    await other.close();
    const error = await fetch(new URL('v3/x', other.url)).then(() => undefined, (failure: Error) => failure);
    expect(error).to.be.instanceOf(TypeError);
  });
});
