// Issue 11: input a hostile or careless caller may give is refused before any byte is sent,
// and every value that is sent goes out as its exact UTF-8 bytes, inside its one segment.
import { createPublicKey } from 'node:crypto';
import { expect } from 'chai';
import { Builder, ArgumentError, type WechatpayClient } from '../lib/index.js';
import { mswGateway, sharedKeys } from './support/gateway.js';

const card_id = 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM';

/** The ArgumentError `call` rejects or throws with; fails when it resolves. */
async function refusal(call: () => unknown): Promise<ArgumentError> {
  try {
    await call();
  } catch (error) {
    expect(error).to.be.instanceOf(ArgumentError);
    return error as ArgumentError;
  }
  throw new Error('expected an ArgumentError, the call succeeded');
}

describe('refused input (nothing sent)', () => {
  const gateway = mswGateway();
  let wxpay: WechatpayClient;
  // An untyped view of the same client, for calls the types rightly forbid.
  let loose: Record<string, any>;

  before(() => {
    wxpay = Builder.factory(gateway.sandbox.clientConfig());
    loose = wxpay as unknown as Record<string, any>;
  });

  afterEach(function () {
    // Every test here refuses; nothing may have reached the wire.
    if (this.currentTest?.state === 'passed') expect(gateway.seen, 'requests sent').to.have.length(0);
  });

  for (const value of ['.', '..']) {
    it(`refuses the dot segment ${JSON.stringify(value)} as a path value (ERR_PATH_PARAM)`, async () => {
      const error = await refusal(() => loose.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: value }));
      expect(error.code).to.equal('ERR_PATH_PARAM');
      expect(error.message).to.include('out_refund_no').and.include('dot segment');
      const other = await refusal(() => wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id: value, json: { activate_type: 'AUTO_ACTIVATE' } }));
      expect(other.code).to.equal('ERR_PATH_PARAM');
    });
  }

  it('refuses a path value holding a lone surrogate (ERR_PATH_PARAM)', async () => {
    for (const value of ['\uD83D', 'a\uDE00b']) {
      const error = await refusal(() => loose.chain('v3/pay/transactions/id/{transaction_id}').get({ transaction_id: value }));
      expect(error.code).to.equal('ERR_PATH_PARAM');
      expect(error.message).to.include('surrogate');
    }
  });

  it('refuses a query value holding a lone surrogate as ERR_OPTIONS, never a raw URIError', async () => {
    const error = await refusal(() => loose.v3.certificates.get({ query: { q: '\uD83D' } }));
    expect(error.code).to.equal('ERR_OPTIONS');
    expect(error.message).to.include('"q"');
  });

  const notJson: [string, unknown][] = [
    ['a number', 42],
    ['a string', 'text'],
    ['a boolean', true],
    ['null', null],
  ];
  for (const [label, json] of notJson) {
    it(`refuses json that is ${label} (ERR_OPTIONS)`, async () => {
      const error = await refusal(() => loose.v3.certificates.post({ json }));
      expect(error.code).to.equal('ERR_OPTIONS');
      expect(error.message).to.include('"json"');
    });
  }

  it('refuses json holding a BigInt or a cycle as ERR_OPTIONS, never a raw TypeError', async () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    for (const json of [{ total: 10n }, cycle]) {
      const error = await refusal(() => loose.v3.certificates.post({ json }));
      expect(error.code).to.equal('ERR_OPTIONS');
    }
  });

  for (const timeout of ['soon', -1, Number.NaN, Infinity]) {
    it(`refuses timeout ${String(timeout)} (ERR_OPTIONS)`, async () => {
      const error = await refusal(() => loose.v3.certificates.get({ timeout }));
      expect(error.code).to.equal('ERR_OPTIONS');
      expect(error.message).to.include('timeout');
    });
  }

  it('refuses a misspelt option (jsno) instead of sending an empty body', async () => {
    const error = await refusal(() => loose.v3.pay.transactions.jsapi.post({ jsno: { appid: 'wx' } }));
    expect(error.code).to.equal('ERR_OPTIONS');
    expect(error.message).to.include('"jsno"').and.include('v3/pay/transactions/jsapi');
  });

  it('refuses xml on a v3 path, and options that would change bytes after signing (auth, maxRedirects)', async () => {
    for (const [key, value] of [['xml', { a: 1 }], ['auth', { username: 'u', password: 'p' }], ['maxRedirects', 5]] as const) {
      const error = await refusal(() => loose.v3.certificates.get({ [key]: value }));
      expect(error.code, key).to.equal('ERR_OPTIONS');
      expect(error.message, key).to.include(`"${key}"`);
    }
  });

  it('accepts axios options and template variables at the top level', async () => {
    // Refused only after decoration, by the abort, so the options themselves were accepted.
    const aborted = AbortSignal.abort();
    const error = await loose.v3.certificates.get({ signal: aborted, maxContentLength: 1000, decompress: true, httpAgent: undefined }).catch((e: unknown) => e);
    expect(error).to.not.be.instanceOf(ArgumentError);
  });

  const badHeaders: [string, Record<string, string>][] = [
    ['CR LF in a value', { 'Wechatpay-Serial': 'S\r\nX-Injected: 1' }],
    ['a LF in a value', { 'X-Note': 'a\nb' }],
    ['a NUL in a value', { 'X-Note': 'a\0b' }],
    ['CR LF in a name', { 'X-A\r\nX-B': '1' }],
    ['a control character (ESC) in a value', { 'X-Note': 'a\u001bb' }],
    ['a character beyond Latin-1 in a value', { 'X-Note': '商户' }],
  ];
  for (const [label, headers] of badHeaders) {
    it(`refuses a header with ${label} (ERR_OPTIONS), never strips it`, async () => {
      const error = await refusal(() => wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id, json: { activate_type: 'AUTO_ACTIVATE' }, headers }));
      expect(error.code).to.equal('ERR_OPTIONS');
      expect(error.message).to.include('header');
    });
  }
});

describe('refused configuration', () => {
  const keys = sharedKeys();
  const base = (): Record<string, unknown> => ({ mchid: '1900000109', serial: 'ABC123', privateKey: keys.merchant, certs: { PUB_KEY_ID_0001: createPublicKey(keys.platform) } });

  const bad: [string, Record<string, unknown>, string][] = [
    ['a quote in mchid', { mchid: '1900000109",serial_no="EVIL' }, 'mchid'],
    ['a comma in mchid', { mchid: '1900000109,x' }, 'mchid'],
    ['CR LF in mchid', { mchid: '1900000109\r\nX: 1' }, 'mchid'],
    ['CR LF in serial', { serial: 'ABC\r\n' }, 'serial'],
    ['a quote in serial', { serial: 'ABC"' }, 'serial'],
    ['a newline in a key id', { certs: { 'PUB_KEY_ID_1\n': keys.platform } }, 'certs'],
    ['CR LF in a default header', { headers: { 'X-Note': 'a\r\nb' } }, 'headers'],
  ];
  for (const [label, change, field] of bad) {
    it(`refuses ${label} with ERR_CONFIG naming ${field}`, () => {
      const config = { ...base(), ...change };
      if (change.certs) config['certs'] = Object.fromEntries(Object.entries(change.certs as object).map(([id]) => [id, createPublicKey(keys.platform)]));
      expect(() => Builder.factory(config as never)).to.throw(ArgumentError).that.satisfies((e: ArgumentError) => e.code === 'ERR_CONFIG' && e.message.includes(field));
    });
  }

  it('never quotes a private key given as file:// + PEM text (message, String, stack, inspect)', async () => {
    const pem = keys.merchant.export({ type: 'pkcs8', format: 'pem' }).toString();
    const body = pem.split('\n')[1]!;
    let caught: unknown;
    try {
      Builder.factory({ ...base(), privateKey: `file://${pem}` } as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(ArgumentError).with.property('code', 'ERR_CONFIG');
    const { inspect } = await import('node:util');
    const error = caught as Error;
    for (const view of [error.message, String(error), error.stack ?? '', inspect(error), JSON.stringify(error)]) {
      expect(view).to.not.include(body.slice(0, 24));
      expect(view).to.not.include('PRIVATE KEY');
    }
    expect(error.message).to.include('privateKey');
  });
});
