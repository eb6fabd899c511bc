import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Rsa } from '../lib/index.js';
import { main, USAGE } from '../lib/cli.js';
import { Sandbox, type ListeningSandbox } from '../lib/testing/index.js';
import { sharedKeys } from './support/gateway.js';

const ROOT = resolve(import.meta.dirname, '..');

/** Runs `wxpay` in-process, capturing what it prints. */
async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; } });
  return { code, stdout, stderr };
}

describe('wxpay crt (the command)', () => {
  const sandbox = new Sandbox({ keys: sharedKeys(), mode: 'certificate' });
  const pubkey = new Sandbox({ keys: sharedKeys(), mode: 'pubkey' });
  let server: ListeningSandbox;
  let pubkeyServer: ListeningSandbox;
  let dir: string;
  let keyFile: string;
  const args = (out: string, more: string[] = []) =>
    ['crt', '-m', sandbox.mchid, '-s', sandbox.merchant.serial, '-f', keyFile, '-k', sandbox.apiv3Key, '-o', out, '--base-url', server.url, ...more];

  before(async () => {
    server = await sandbox.listen();
    pubkeyServer = await pubkey.listen();
    dir = mkdtempSync(join(tmpdir(), 'wxpay-crt-'));
    keyFile = join(dir, 'apiclient_key.pem');
    writeFileSync(keyFile, sandbox.merchant.privateKey);
  });
  after(async () => {
    await server.close();
    await pubkeyServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes wechatpay_<serial>.pem files that Rsa.from loads, and prints what it wrote', async () => {
    const out = join(dir, 'certs');
    const { code, stdout, stderr } = await run(args(out));
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
    const name = `wechatpay_${sandbox.platform.id}.pem`;
    expect(readdirSync(out)).to.deep.equal([name]);
    expect(stdout).to.include(join(out, name)).and.include(`serial ${sandbox.platform.id}`).and.include('expires ');
    const key = Rsa.from(`file://${join(out, name)}`, Rsa.KEY_TYPE_PUBLIC);
    expect(key.equals(Rsa.from(sandbox.platform.publicKey, Rsa.KEY_TYPE_PUBLIC))).to.equal(true);
    expect(Rsa.serial(sandbox.platform.certificate!)).to.equal(sandbox.platform.id);
  });

  it('runs as a child process against the real server, exit code 0', async () => {
    const out = join(dir, 'child');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'spec/support/wxpay.ts', ...args(out)], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(stdout).to.include(`wechatpay_${sandbox.platform.id}.pem`);
    expect(Rsa.from(`file://${join(out, `wechatpay_${sandbox.platform.id}.pem`)}`, Rsa.KEY_TYPE_PUBLIC).type).to.equal('public');
  });

  it('exits 2 with a non-zero status from a child process on a bad argument', async () => {
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'spec/support/wxpay.ts', 'crt', '-m', '1'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } })
      .then(() => expect.fail('must exit non-zero'), (error: { code: number; stderr: string }) => error);
    expect(failure.code).to.equal(2);
    expect(failure.stderr).to.include('Usage: wxpay crt');
  });

  const bad: [string, string[]][] = [
    ['no command', []],
    ['another command', ['certs']],
    ['a missing option', ['crt', '-m', '1900000109']],
    ['an unknown option', ['crt', '--frobnicate']],
    ['an option without its value', ['crt', '-m']],
    ['an APIv3 key of the wrong length', ['crt', '-m', '1', '-s', 'S', '-f', 'f', '-k', 'short', '-o', 'o']],
    ['a base URL that is no URL', ['crt', '-m', '1', '-s', 'S', '-f', 'f', '-k', 'k'.repeat(32), '-o', 'o', '--base-url', 'localhost']],
  ];
  for (const [label, argv] of bad) {
    it(`prints usage and exits 2 on ${label}`, async () => {
      const { code, stdout, stderr } = await run(argv);
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.match(/^wxpay: /).and.include(USAGE);
    });
  }

  it('prints usage and exits 0 on --help', async () => {
    expect(await run(['--help'])).to.deep.equal({ code: 0, stdout: USAGE, stderr: '' });
  });

  it('never echoes a misplaced APIv3 key', async () => {
    const { code, stderr } = await run(['crt', sandbox.apiv3Key]);
    expect(code).to.equal(2);
    expect(stderr).not.to.include(sandbox.apiv3Key);
  });

  it('exits 1 and says why: a public-key-only merchant, a wrong APIv3 key, an unreadable key file', async () => {
    const out = join(dir, 'failed');
    const notFound = await run(['crt', '-m', pubkey.mchid, '-s', pubkey.merchant.serial, '-f', keyFile, '-k', pubkey.apiv3Key, '-o', out, '--base-url', pubkeyServer.url]);
    expect(notFound.code).to.equal(1);
    expect(notFound.stderr).to.match(/^wxpay: RESOURCE_NOT_EXISTS: /);
    const wrongKey = 'Q'.repeat(32);
    const undecryptable = await run(args(out).map((arg) => (arg === sandbox.apiv3Key ? wrongKey : arg)));
    expect(undecryptable.code).to.equal(1);
    expect(undecryptable.stderr).to.match(/^wxpay: ERR_DECRYPT: /).and.not.include(wrongKey);
    const unreadable = await run(args(out).map((arg) => (arg === keyFile ? join(dir, 'missing.pem') : arg)));
    expect(unreadable.code).to.equal(1);
    expect(unreadable.stderr).to.include('ENOENT');
    expect(() => readdirSync(out)).to.throw();
  });
});
