import { expect } from 'chai';
import fc from 'fast-check';
import { parseTemplate } from 'url-template';
import { ArgumentError } from '../lib/errors.js';
import { expand, variablesOf } from '../lib/template.js';

describe('template', () => {
  it('expands simple variables, percent-encoding values and keeping their case', () => {
    expect(expand('v3/a/{openid}', { openid: 'oWmnN4xX' })).to.equal('v3/a/oWmnN4xX');
    expect(expand('v3/a/{openid}', { openid: '../../pay/transactions' })).to.equal('v3/a/..%2F..%2Fpay%2Ftransactions');
    expect(expand('v3/a/{openid}', { openid: '中 ?#' })).to.equal('v3/a/%E4%B8%AD%20%3F%23');
    expect(expand('v3/a/{n}', { n: 42 })).to.equal('v3/a/42');
  });

  it('supports every RFC 6570 operator (url-template expands them)', () => {
    const values = { path: 'a/b', list: ['x', 'y'], keys: { k: 'v' }, id: 'z', q: 'w v' };
    expect(expand('{+path}', values)).to.equal('a/b');
    expect(expand('{#path}', values)).to.equal('#a/b');
    expect(expand('x{.id}', values)).to.equal('x.z');
    expect(expand('x{/list*}', values)).to.equal('x/x/y');
    expect(expand('x{;id}', values)).to.equal('x;id=z');
    expect(expand('x{?q,id}', values)).to.equal('x?q=w%20v&id=z');
    expect(expand('x?a=1{&id}', values)).to.equal('x?a=1&id=z');
    expect(expand('x{?keys*}', values)).to.equal('x?k=v');
  });

  it('sends every value as its UTF-8 bytes, each %XX with two hex digits, in path and query alike', () => {
    const cases: [string, string][] = [
      ['😀', '%F0%9F%98%80'],
      ['\0', '%00'],
      ['\r\n', '%0D%0A'],
      ['\t', '%09'],
      ['\x7f', '%7F'],
      ['é', '%C3%A9'],
      ['%2e%2e', '%252e%252e'],
      ["!'()*", '%21%27%28%29%2A'],
    ];
    for (const [value, encoded] of cases) {
      expect(expand('v3/a/{id}{?q}', { id: value, q: value }), JSON.stringify(value)).to.equal(`v3/a/${encoded}?q=${encoded}`);
    }
  });

  it('refuses dot segments and lone surrogates, and still expands values that merely contain dots', () => {
    for (const value of ['.', '..']) expect(() => expand('v3/a/{id}', { id: value })).to.throw(ArgumentError).with.property('code', 'ERR_PATH_PARAM');
    for (const value of ['\uD800', 'x\uDFFF']) expect(() => expand('v3/a{?q}', { q: value })).to.throw(ArgumentError).with.property('code', 'ERR_PATH_PARAM');
    expect(expand('v3/a/{id}', { id: '...' })).to.equal('v3/a/...');
    expect(expand('v3/a/{id}', { id: '.x' })).to.equal('v3/a/.x');
  });

  it('expands a template of plain {name} expressions exactly as url-template does, whatever the literal text and values', () => {
    const unit = fc.oneof(fc.constantFrom('/', '%', '%2F', '[', ']', ' ', '?', '&', '=', '#', '😀', 'é', '-', '.', '~', "'"), fc.string({ maxLength: 3 }));
    const literal = fc.array(unit, { maxLength: 4 }).map((parts) => parts.join('').replace(/[{}]/g, ''));
    const value = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
    ).filter((v) => v !== '.' && v !== '..');
    fc.assert(fc.property(fc.array(fc.tuple(literal, value), { minLength: 1, maxLength: 4 }), literal, (pieces, tail) => {
      const template = `${pieces.map(([text], i) => `${text}{v${i}}`).join('')}${tail}`;
      const values = Object.fromEntries(pieces.map(([, v], i) => [`v${i}`, v]));
      expect(expand(template, values)).to.equal(parseTemplate(template).expand(values as Record<string, string>));
    }), { numRuns: 2000 });
  });

  it('lists the variables of every operator', () => {
    expect([...variablesOf('v3/{a}/{+b}{?c,d}')]).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  const bad: [string, unknown, string][] = [
    ['missing', undefined, 'missing'],
    ['empty', '', 'empty'],
    ['null', null, 'null'],
    ['an object', { id: 1 }, 'object'],
    ['an array', ['a'], 'array'],
    ['a boolean', true, 'boolean'],
    ['NaN', Number.NaN, 'number'],
  ];
  for (const [label, value, word] of bad) {
    it(`refuses a simple variable that is ${label}, naming the variable and the template`, () => {
      const template = 'v3/marketing/membercard-open/cards/{card_id}/permission-tokens';
      expect(() => expand(template, value === undefined ? {} : { card_id: value }))
        .to.throw(ArgumentError)
        .that.satisfies((error: ArgumentError) => error.code === 'ERR_PATH_PARAM' && error.message.includes('"card_id"') && error.message.includes(template) && error.message.includes(word));
    });
  }

  it('refuses a template that does not parse', () => {
    for (const template of ['v3/{unclosed', 'v3/}x', 'v3/{a b}', 'v3/{}', 'v3/{a,}', 'v3/{a:0}']) {
      expect(() => expand(template, {}), template).to.throw(ArgumentError).with.property('code', 'ERR_PATH_PARAM');
    }
  });
});
