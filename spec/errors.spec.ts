import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { ApiError, ArgumentError, TransportError, VerificationError, WechatpayError } from '../lib/index.js';

const ROOT = resolve(import.meta.dirname, '..');

describe('errors', () => {
  it('are recognised by brand as well as by class: is() and instanceof hold for a look-alike from another build', () => {
    const api = new ApiError({ status: 500, code: 'SYSTEM_ERROR', message: 'busy' });
    expect([WechatpayError.is(api), ApiError.is(api), TransportError.is(api), ArgumentError.is(api)]).to.deep.equal([true, true, false, false]);
    // What the other build's ApiError looks like here: another class, the same Symbol.for brand.
    const brand = Symbol.for('wechatpay-ts.error');
    class OtherBuildApiError extends Error {}
    Object.defineProperty(OtherBuildApiError.prototype, brand, { value: 'ApiError' });
    const foreign = new OtherBuildApiError('x');
    expect([foreign instanceof ApiError, foreign instanceof WechatpayError, foreign instanceof VerificationError, ApiError.is(foreign)]).to.deep.equal([true, true, false, true]);
    expect([WechatpayError.is(new Error('x')), WechatpayError.is(null), WechatpayError.is('ERR_CONFIG'), new Error('x') instanceof WechatpayError]).to.deep.equal([false, false, false, false]);
    // A user's own subclass keeps plain instanceof semantics.
    class Mine extends ApiError {}
    expect(api instanceof Mine).to.equal(false);
    expect(new Mine({ status: 400, code: 'X', message: 'm' }) instanceof ApiError).to.equal(true);
  });

  it('start with attempts 0, and each class names itself', () => {
    expect(new ArgumentError('ERR_CONFIG', 'm')).to.include({ attempts: 0, name: 'ArgumentError' });
    expect(new TransportError('ERR_DNS', 'm', new Error('c'))).to.include({ attempts: 0, answered: false, name: 'TransportError' });
  });

  it('every code of every exported union is documented on the errors page, with its cause and fix', () => {
    const source = readFileSync(join(ROOT, 'lib/errors.ts'), 'utf8') + readFileSync(join(ROOT, 'lib/notification.ts'), 'utf8');
    const unions = [...source.matchAll(/export type \w+Code =([^;]+);/g)].map((match) => match[1]!);
    const codes = new Set(unions.flatMap((union) => [...union.matchAll(/'(ERR_[A-Z_]+)'/g)].map((match) => match[1]!)));
    expect(codes.size).to.be.at.least(20);
    const page = readFileSync(join(ROOT, 'docs/guide/errors.md'), 'utf8');
    const rows = page.split('\n').filter((line) => line.startsWith('| `ERR_'));
    for (const code of codes) {
      const row = rows.find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).to.be.a('string');
      expect(row!.split('|').filter((cell) => cell.trim()).length, `${code}: cause and fix`).to.be.at.least(3);
    }
    // And every code raised in lib/ is in a union.
    const raised = new Set<string>();
    const files = readdirSync(join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' }).filter((file) => /\.c?ts$/.test(file));
    expect(files.length).to.be.above(30);
    for (const file of files) {
      for (const match of readFileSync(join(ROOT, 'lib', file), 'utf8').matchAll(/new \w*Error\('(ERR_[A-Z_]+)'/g)) raised.add(match[1]!);
    }
    for (const code of raised) expect(codes, code).to.include(code);
  });
});
