// The same core in-process, through msw: the client talks to the default base URL and msw
// hands every request to the sandbox; anything unhandled is an error, so nothing leaves.
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { setupServer } from 'msw/node';
import { ApiError, Builder, TransportError, VerificationError } from '../../lib/index.js';
import { Sandbox } from '../../lib/testing/index.js';
import { APPID, CARD_ID, KEYS, OPENID, OTHER_KEYS } from './support.js';

const USER_AUTHORIZATIONS = 'v3/businesscircle/user-authorizations/{openid}';
const PERMISSION_TOKENS = 'v3/marketing/membercard-open/cards/{card_id}/permission-tokens';
const query = { appid: APPID };

describe('Sandbox through msw', () => {
  const sandbox = new Sandbox({ keys: KEYS });
  const mocked = setupServer(...sandbox.handlers);
  const wxpay = Builder.factory(sandbox.clientConfig());
  before(() => mocked.listen({ onUnhandledRequest: 'error' }));
  after(() => mocked.close());
  afterEach(() => sandbox.faults.clear());

  it('answers both endpoints at the default base URL', async () => {
    expect(sandbox.clientConfig().baseURL).to.equal('https://api.mch.weixin.qq.com/');
    expect((await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: OPENID, query })).data.authorize_state).to.equal('AUTHORIZED');
    const { data } = await wxpay[PERMISSION_TOKENS].postAsync({ card_id: CARD_ID, json: { activate_type: 'AUTO_ACTIVATE' } });
    expect(data.permission_token).to.be.a('string');
  });

  it('checks signatures there too', async () => {
    const impostor = Builder.factory({ ...sandbox.clientConfig(), privateKey: OTHER_KEYS.merchant });
    const error = await impostor[USER_AUTHORIZATIONS].get({ openid: OPENID, query }).catch((failure: Error) => failure);
    expect(error).to.be.instanceOf(ApiError).and.include({ status: 401, code: 'SIGN_ERROR' });
  });

  it('gives documented errors', async () => {
    const error = await wxpay[PERMISSION_TOKENS].post({ card_id: 'pNoSuchCard', json: { activate_type: 'AUTO_ACTIVATE' } }).catch((failure: Error) => failure);
    expect(error).to.be.instanceOf(ApiError).and.include({ status: 400, code: 'INVALID_REQUEST' });
  });

  it('applies faults: tamper-body and reset', async () => {
    sandbox.faults.next('tamper-body');
    const tampered = await wxpay[USER_AUTHORIZATIONS].get({ openid: OPENID, query }).catch((failure: Error) => failure);
    expect(tampered).to.be.instanceOf(VerificationError).and.include({ code: 'ERR_RESPONSE_SIGNATURE' });
    sandbox.faults.next('reset');
    const reset = await wxpay[USER_AUTHORIZATIONS].get({ openid: OPENID, query }).catch((failure: Error) => failure);
    expect(reset).to.be.instanceOf(TransportError);
  });

  it('answers a custom base URL only', async () => {
    const custom = new Sandbox({ keys: KEYS, baseURL: 'https://sandbox.example.test/pay/' });
    mocked.use(...custom.handlers);
    const client = Builder.factory(custom.clientConfig());
    expect((await client[USER_AUTHORIZATIONS].get({ openid: OPENID, query })).status).to.equal(200);
    mocked.resetHandlers();
  });
});

describe('Sandbox from source under tsx, outside mocha', () => {
  it('serves sandbox.handlers to an msw server the script imported itself', () => {
    const script = `
      import { setupServer } from 'msw/node';
      const { Sandbox } = await import('./lib/testing/index.ts');
      const server = setupServer(...new Sandbox().handlers);
      server.listen({ onUnhandledRequest: 'error' });
      const status = (await fetch('https://api.mch.weixin.qq.com/v3/anything')).status;
      server.close();
      console.log(JSON.stringify({ status }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(JSON.parse(output)).to.deep.equal({ status: 401 });
  });
});

describe('Sandbox without msw installed', () => {
  it('serves over node:http, and only sandbox.handlers needs msw', () => {
    // A child process where require('msw') fails, as for a user who never installed the optional peer.
    const hideMsw = `import Module from 'node:module'; const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'msw' || request.startsWith('msw/')) throw Object.assign(new Error('Cannot find module ' + request), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };`;
    const script = `
      const { Sandbox } = await import('./lib/testing/index.ts');
      const sandbox = new Sandbox();
      const { url, close } = await sandbox.listen();
      const status = (await fetch(url + 'v3/anything')).status;
      await close();
      let handlers = 'loaded';
      try { sandbox.handlers; } catch (error) { handlers = [error.name, error.code, /install it/.test(error.message) && /listen\(\)/.test(error.message)].join(' '); }
      console.log(JSON.stringify({ status, handlers }));`;
    const output = execFileSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(hideMsw)}`, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(output)).to.deep.equal({ status: 401, handlers: 'ArgumentError ERR_CONFIG true' });
  });
});
