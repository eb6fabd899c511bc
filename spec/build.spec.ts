import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';

const ROOT = resolve(import.meta.dirname, '..');
const node = (args: string[], cwd = ROOT) => execFileSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });

// What a consumer does with the package: load both builds, and type-check against the .d.ts.
const PROBE = `
const { Builder, Wechatpay, Rsa, AesGcm, Formatter, Hash, ArgumentError } = LOADED;
const { Sandbox } = TESTING;
const kinds = [Builder.factory, Wechatpay, Rsa.from, AesGcm.decrypt, Formatter.nonce, Hash.sign, ArgumentError, Sandbox].map((x) => typeof x);
let code;
try { Builder.factory({}); } catch (error) { code = error instanceof ArgumentError && error.code; }
console.log(JSON.stringify({ kinds, code }));
`;

describe('the built package', function () {
  this.timeout(180_000);
  let consumer: string;

  before(() => {
    node(['scripts/build.mjs']);
    consumer = mkdtempSync(join(tmpdir(), 'wechatpay-ts-consumer-'));
    mkdirSync(join(consumer, 'node_modules'));
    symlinkSync(ROOT, join(consumer, 'node_modules', 'wechatpay-ts'), 'dir');
  });
  after(() => rmSync(consumer, { recursive: true, force: true }));

  const expected = { kinds: ['function', 'function', 'function', 'function', 'function', 'function', 'function', 'function'], code: 'ERR_CONFIG' };

  it('loads through require (CommonJS build)', () => {
    const script = PROBE.replace('LOADED', "require('wechatpay-ts')").replace('TESTING', "require('wechatpay-ts/testing')");
    expect(JSON.parse(node(['--input-type=commonjs', '-e', script], consumer))).to.deep.equal(expected);
  });

  it('loads through import (ESM build)', () => {
    const script = `const LOADED_ = await import('wechatpay-ts'); const TESTING_ = await import('wechatpay-ts/testing');\n${PROBE.replace('LOADED', 'LOADED_').replace('TESTING', 'TESTING_')}`;
    expect(JSON.parse(node(['--input-type=module', '-e', script], consumer))).to.deep.equal(expected);
  });

  it('type-checks a TypeScript consumer, ESM and CommonJS, against the emitted .d.ts', () => {
    const source = `
import { Builder, Rsa, ArgumentError, type WechatpayResponse, type UserAuthorization } from 'wechatpay-ts';
import { Sandbox } from 'wechatpay-ts/testing';
export async function demo(sandbox: Sandbox): Promise<string> {
  const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: 'http://127.0.0.1:1/' }));
  const res: WechatpayResponse<UserAuthorization> = await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query: { appid: 'wx' } });
  const token = await wxpay['v3/marketing/membercard-open/cards/{card_id}/permission-tokens'].post({ card_id: 'c', json: { activate_type: 'AUTO_ACTIVATE' } });
  // @ts-expect-error the answer has no such field
  res.data.permission_token;
  void Rsa.KEY_TYPE_PUBLIC; void ArgumentError;
  return res.data.authorize_state + token.data.permission_token;
}
`;
    writeFileSync(join(consumer, 'esm.mts'), source);
    writeFileSync(join(consumer, 'cjs.cts'), source);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    node([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', consumer], consumer);
  });
});
