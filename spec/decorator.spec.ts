import { expect } from 'chai';
import { decorate, queryString } from '../lib/decorator.js';
import { ArgumentError } from '../lib/errors.js';

const USER = 'v3/businesscircle/user-authorizations/{openid}';
const CARD = 'v3/marketing/membercard-open/cards/{card_id}/permission-tokens';

describe('decorator', () => {
  it('puts the expanded path and the RFC 3986 query string in the URL', () => {
    const config = decorate('get', USER, { openid: 'oW x', query: { appid: 'wx1', sub_mchid: '19', note: '商圈 积分', skip: undefined } });
    expect(config.method).to.equal('GET');
    expect(config.url).to.equal('v3/businesscircle/user-authorizations/oW%20x?appid=wx1&sub_mchid=19&note=%E5%95%86%E5%9C%88%20%E7%A7%AF%E5%88%86');
    expect(config.data).to.equal(undefined);
    expect(config).not.to.have.property('params');
  });

  it('repeats array keys and keeps numbers and booleans', () => {
    expect(queryString({ a: ['1', '2'], b: 3, c: false, d: null })).to.equal('a=1&a=2&b=3&c=false');
  });

  it('serializes json once into the Buffer that is sent, with a JSON content type', () => {
    const json = { activate_type: 'AUTO_ACTIVATE', outer_str: '会员' };
    const config = decorate('post', CARD, { card_id: 'pDF3J', json });
    expect(Buffer.isBuffer(config.data)).to.equal(true);
    expect((config.data as Buffer).toString()).to.equal(JSON.stringify(json));
    expect(config.headers).to.deep.include({ 'Content-Type': 'application/json' });
  });

  it('sends a string or Buffer body byte for byte', () => {
    const text = ' {"a": 1}  \n';
    expect((decorate('post', CARD, { card_id: 'c', body: text }).data as Buffer).toString()).to.equal(text);
    const bytes = Buffer.from([0xff, 0x00, 0x7b]);
    expect(decorate('post', CARD, { card_id: 'c', body: bytes }).data).to.equal(bytes);
  });

  it('passes axios options through and keeps template variables out of them', () => {
    const signal = new AbortController().signal;
    const config = decorate('get', USER, { openid: 'o', query: { appid: 'a' }, timeout: 1234, signal, baseURL: 'http://127.0.0.1:1/', headers: { 'X-Trace': '1' } });
    expect(config).to.include({ timeout: 1234, signal, baseURL: 'http://127.0.0.1:1/' });
    expect(config).not.to.have.property('openid');
    expect(config.headers).to.deep.equal({ 'X-Trace': '1' });
  });

  it('asks axios for raw bytes whatever the caller wants, and remembers the wish', () => {
    const config = decorate('get', USER, { openid: 'o', responseType: 'text' });
    expect(config.responseType).to.equal('arraybuffer');
    expect(config.wechatpay).to.deep.equal({ template: USER, responseType: 'text' });
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    ['json and body together', { card_id: 'c', json: {}, body: '{}' }, 'either'],
    ['data (axios habit)', { card_id: 'c', data: {} }, '"json" or "body"'],
    ['params (axios habit)', { card_id: 'c', params: {} }, '"query"'],
    ['transformRequest, which would change bytes after signing', { card_id: 'c', transformRequest: [] }, 'transformRequest'],
    ['a body that is neither string nor Buffer', { card_id: 'c', body: 42 }, '"body"'],
    ['json that does not serialize', { card_id: 'c', json: () => 1 }, '"json" must be an object or an array'],
    ['a nested query value', { card_id: 'c', query: { a: { b: 1 } } }, 'query "a"'],
    ['an unknown responseType', { card_id: 'c', responseType: 'document' }, 'responseType'],
    ['a stream from a signed endpoint', { card_id: 'c', responseType: 'stream' }, 'unsigned downloads'],
  ];
  for (const [label, options, words] of refusals) {
    it(`refuses ${label} with ERR_OPTIONS`, () => {
      expect(() => decorate('post', CARD, options as never))
        .to.throw(ArgumentError)
        .that.satisfies((error: ArgumentError) => error.code === 'ERR_OPTIONS' && error.message.includes(words));
    });
  }

  it('allows a stream from an unsigned download', () => {
    expect(decorate('get', 'v3/billdownload/file', { query: { token: 't' }, responseType: 'stream' }).responseType).to.equal('stream');
  });
});
