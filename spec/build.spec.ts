// The package as a newcomer gets it: `npm pack` on a clean copy of the repository (tracked and
// unignored files only, no dist/) builds through `prepack`; the tarball, unpacked into a consumer
// whose node_modules has every runtime dependency but msw, must load through require and import,
// type-check with skipLibCheck: false on the minimum and current TypeScript, run its `wxpay` bin,
// mix objects and errors across its ESM and CJS builds, and survive an esbuild bundle.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Sandbox, type ListeningSandbox } from '../lib/testing/index.js';
import { sharedKeys } from './support/gateway.js';

const ROOT = resolve(import.meta.dirname, '..');
const run = (file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(file, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env } });
const node = (args: string[], cwd: string, env?: NodeJS.ProcessEnv) => run(process.execPath, args, cwd, env);
/** A child that talks to this process's sandbox: the event loop must keep running meanwhile. */
const nodeAsync = async (args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  (await promisify(execFile)(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env } })).stdout;

// What a consumer does with the package: load both builds.
const PROBE = `
const { Builder, Wechatpay, Rsa, AesGcm, Formatter, Hash, ArgumentError } = LOADED;
const { Sandbox } = TESTING;
const kinds = [Builder.factory, Wechatpay, Rsa.from, AesGcm.decrypt, Formatter.nonce, Hash.sign, ArgumentError, Sandbox].map((x) => typeof x);
let code;
try { Builder.factory({}); } catch (error) { code = error instanceof ArgumentError && ArgumentError.is(error) && error.code; }
let handlers;
try { new Sandbox({ keys: Sandbox.generateKeys() }).handlers; } catch (error) { handlers = error instanceof ArgumentError && error.code + ' ' + /install it/.test(error.message); }
console.log(JSON.stringify({ kinds, code, handlers }));
`;

describe('the packed package', function () {
  // Packing and type-checking consumers take up to 100 s on a busy machine: the limit only catches a hang.
  this.timeout(600_000);
  let work: string;
  let consumer: string;
  let installed: string;
  let tarball: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'wechatpay-ts-pack-'));
    // A clean clone: what git would check out (tracked, plus new unignored files), never dist/.
    const clone = join(work, 'clone');
    const files = run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], ROOT).split('\0').filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      try {
        cpSync(join(ROOT, file), join(clone, file));
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOENT') throw error; // deleted, not yet committed
      }
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    tarball = join(work, run('npm', ['pack', '--silent', '--pack-destination', work], clone).trim().split('\n').at(-1)!);

    consumer = join(work, 'consumer');
    installed = join(consumer, 'node_modules', 'wechatpay-ts');
    mkdirSync(installed, { recursive: true });
    run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], work);
    // Every installed dependency but msw (the optional peer): as for a user who never added it.
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (name === 'msw' || name === '.bin' || name.startsWith('.')) continue;
      symlinkSync(join(ROOT, 'node_modules', name), join(consumer, 'node_modules', name), 'dir');
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships dist/ (built by prepack), the bin and the docs files, and no sources or specs', () => {
    const listed = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, ''));
    for (const file of ['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'dist/esm/testing/index.js', 'dist/cjs/testing/index.d.ts', 'dist/esm/cli.js', 'bin/wxpay.mjs', 'README.md', 'LICENSE', 'package.json']) {
      expect(listed, file).to.include(file);
    }
    expect(listed.filter((file) => /^(lib|spec|bench|docs|scripts)\//.test(file))).to.deep.equal([]);
  });

  const expected = { kinds: Array(8).fill('function'), code: 'ERR_CONFIG', handlers: 'ERR_CONFIG true' };

  it('loads through require (CommonJS build); sandbox.handlers without msw says to install it', () => {
    const script = PROBE.replace('LOADED', "require('wechatpay-ts')").replace('TESTING', "require('wechatpay-ts/testing')");
    expect(JSON.parse(node(['--input-type=commonjs', '-e', script], consumer))).to.deep.equal(expected);
  });

  it('loads through import (ESM build)', () => {
    const script = `const LOADED_ = await import('wechatpay-ts'); const TESTING_ = await import('wechatpay-ts/testing');\n${PROBE.replace('LOADED', 'LOADED_').replace('TESTING', 'TESTING_')}`;
    expect(JSON.parse(node(['--input-type=module', '-e', script], consumer))).to.deep.equal(expected);
  });

  describe('against a sandbox on 127.0.0.1', () => {
    const sandbox = new Sandbox({ keys: sharedKeys() });
    let server: ListeningSandbox;
    let env: NodeJS.ProcessEnv;
    before(async () => {
      server = await sandbox.listen();
      env = { SANDBOX: JSON.stringify({ ...sandbox.merchant, id: sandbox.platform.id, publicKey: sandbox.platform.publicKey, url: server.url }) };
    });
    after(() => server.close());

    it('mixes the builds: a CJS KeyRing in the ESM client, CJS errors recognised by ESM classes', async () => {
      const script = `
        import { createRequire } from 'node:module';
        import { Builder, KeyRing, TransportError, ApiError, WechatpayError } from 'wechatpay-ts';
        const cjs = createRequire(import.meta.url)('wechatpay-ts');
        const s = JSON.parse(process.env.SANDBOX);
        const ring = new cjs.KeyRing({ mchid: s.mchid, serial: s.serial, privateKey: s.privateKey, apiv3Key: 'k'.repeat(32), certs: { [s.id]: s.publicKey }, refreshInterval: 0 });
        const wxpay = Builder.factory({ mchid: s.mchid, serial: s.serial, privateKey: s.privateKey, certs: ring, baseURL: s.url });
        const { data } = await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'oWmnN4xxxxxxxxxxe92NHIGf1xd8', query: { appid: 'wx1234567890abcdef' } });
        const other = cjs.Builder.factory({ mchid: s.mchid, serial: s.serial, privateKey: s.privateKey, certs: { [s.id]: s.publicKey }, baseURL: s.url });
        const failure = await other.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o' }).catch((e) => e);
        console.log(JSON.stringify({
          ring: ring instanceof KeyRing && KeyRing.is(ring), state: data.authorize_state,
          api: [ApiError.is(failure), failure instanceof ApiError, WechatpayError.is(failure), failure instanceof WechatpayError, TransportError.is(failure), failure instanceof TransportError, failure.attempts],
        }));`;
      expect(JSON.parse(await nodeAsync(['--input-type=module', '-e', script], consumer, env))).to.deep.equal({
        ring: true, state: 'AUTHORIZED', api: [true, true, true, true, false, false, 1],
      });
    });

    it('runs the wxpay bin from the tarball: --help, and a verified request', async () => {
      const bin = join(installed, 'bin', 'wxpay.mjs');
      expect(node([bin, '--help'], consumer)).to.include('request');
      expect(node([bin, 'request', '--help'], consumer)).to.include('WXPAY_PRIVATE_KEY');
      const s = JSON.parse(env.SANDBOX!) as Record<string, string>;
      const out = await nodeAsync([bin, 'request', 'GET', 'v3/businesscircle/user-authorizations/oWmnN4xxxxxxxxxxe92NHIGf1xd8', '--query', 'appid=wx1234567890abcdef'], consumer, {
        WXPAY_MCHID: s.mchid, WXPAY_SERIAL: s.serial, WXPAY_PRIVATE_KEY: s.privateKey, WXPAY_CERTS: JSON.stringify({ [s.id!]: s.publicKey }), WXPAY_BASE_URL: s.url,
      });
      expect(JSON.parse(out)).to.have.property('authorize_state', 'AUTHORIZED');
    });

    it('runs as an esbuild bundle of a user app that imports the client (ESM and CJS output)', async () => {
      writeFileSync(join(consumer, 'app.mjs'), `
        import { Builder, ApiError } from 'wechatpay-ts';
        const s = JSON.parse(process.env.SANDBOX);
        const wxpay = Builder.factory({ mchid: s.mchid, serial: s.serial, privateKey: s.privateKey, certs: { [s.id]: s.publicKey }, baseURL: s.url });
        wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'oWmnN4xxxxxxxxxxe92NHIGf1xd8', query: { appid: 'wx1234567890abcdef' } })
          .then(({ data }) => wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o' }).catch((error) => console.log(data.authorize_state, ApiError.is(error) && error.code)));`);
      const esbuild = join(ROOT, 'node_modules', 'esbuild', 'bin', 'esbuild');
      // node-forge (PKCS#12 only) is required lazily from CommonJS: an ESM bundle needs a require, as esbuild documents.
      run(esbuild, ['app.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=bundle.mjs', '--log-level=error', '--banner:js=import { createRequire } from "node:module"; const require = createRequire(import.meta.url);'], consumer);
      run(esbuild, ['app.mjs', '--bundle', '--platform=node', '--format=cjs', '--outfile=bundle.cjs', '--log-level=error'], consumer);
      // The bundles stand alone: run them from a directory with no node_modules.
      const alone = mkdtempSync(join(work, 'alone-'));
      for (const bundle of ['bundle.mjs', 'bundle.cjs']) {
        cpSync(join(consumer, bundle), join(alone, bundle));
        expect((await nodeAsync([join(alone, bundle)], alone, env)).trim(), bundle).to.equal('AUTHORIZED PARAM_ERROR');
      }
    });
  });

  it('type-checks consumers with skipLibCheck: false and no msw installed (NodeNext, ESM and CJS)', () => {
    const source = `
import { Builder, Rsa, ArgumentError, ApiError, WechatpayError, type ErrorCode, type TransportErrorCode, type WechatpayResponse, type UserAuthorization, type Hooks } from 'wechatpay-ts';
import { Sandbox } from 'wechatpay-ts/testing';
export async function demo(sandbox: Sandbox): Promise<string> {
  const hooks: Hooks = { error: (info) => void info.code };
  const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: 'http://127.0.0.1:1/', retry: { attempts: 2 }, hooks }));
  const res: WechatpayResponse<UserAuthorization> = await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: 'o', query: { appid: 'wx' } });
  const token = await wxpay['v3/marketing/membercard-open/cards/{card_id}/permission-tokens'].post({ card_id: 'c', json: { activate_type: 'AUTO_ACTIVATE' } });
  // @ts-expect-error the answer has no such field
  res.data.permission_token;
  const code: ErrorCode = 'ERR_TIMEOUT' satisfies TransportErrorCode;
  void Rsa.KEY_TYPE_PUBLIC; void ArgumentError; void code; void sandbox.handlers;
  return res.data.authorize_state + token.data.permission_token;
}
export function kind(error: unknown): number {
  if (ApiError.is(error)) return error.status;
  return WechatpayError.is(error) ? error.attempts : -1;
}
`;
    writeFileSync(join(consumer, 'esm.mts'), source);
    writeFileSync(join(consumer, 'cjs.cts'), source);
    const base = { target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] };
    const projects = {
      'tsconfig.nodenext.json': { compilerOptions: { ...base, module: 'NodeNext', moduleResolution: 'NodeNext' }, files: ['esm.mts', 'cjs.cts'] },
    };
    for (const [file, project] of Object.entries(projects)) writeFileSync(join(consumer, file), JSON.stringify(project));
    for (const file of Object.keys(projects)) {
      try {
        node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', file], consumer);
      } catch (error) {
        throw new Error(`tsc -p ${file}: ${(error as { stdout?: string }).stdout}`);
      }
    }
  });

  it('states its Node.js and TypeScript minimums and moduleResolution in the README, as package.json has them', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const engines = (JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).to.equal('>=20.19');
    expect(readme).to.include('Node.js 20.19').and.include('TypeScript 5.6').and.match(/moduleResolution.*NodeNext.*Bundler/);
  });
});
