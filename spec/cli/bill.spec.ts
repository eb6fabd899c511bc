import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { main } from '../../lib/cli.js';
import { fileServer, type FileServer } from '../files/file-server.js';

const BILL = Buffer.from('\ufeff交易时间,商户订单号\r\n`2026-11-22 10:00:00,`o-1\r\n总交易单数\r\n`1\r\n');

describe('wxpay bill', () => {
  let server: FileServer;
  let dir: string;
  let configFile: string;
  let privateKeyPem: string;

  async function run(argv: string[], options: { isTTY?: boolean; env?: NodeJS.ProcessEnv } = {}) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; }, isTTY: options.isTTY ?? false, env: options.env ?? {} });
    return { code, stdout, stderr };
  }

  before(async () => {
    server = await fileServer();
    dir = mkdtempSync(join(tmpdir(), 'wxpay-bill-'));
    const { config } = server;
    privateKeyPem = (config.privateKey as import('node:crypto').KeyObject).export({ type: 'pkcs8', format: 'pem' }) as string;
    writeFileSync(join(dir, 'apiclient_key.pem'), privateKeyPem);
    const [[id, key]] = Object.entries(config.certs as Record<string, import('node:crypto').KeyObject>) as [[string, import('node:crypto').KeyObject]];
    writeFileSync(join(dir, 'platform.pem'), key.export({ type: 'spki', format: 'pem' }) as string);
    configFile = join(dir, 'config.json');
    // Key paths relative to the config file, as `wxpay sandbox` writes them (absolute there).
    writeFileSync(configFile, JSON.stringify({ mchid: config.mchid, serial: config.serial, privateKey: 'apiclient_key.pem', certs: { [id]: 'platform.pem' }, baseURL: server.url }));
    server.bills.set('2026-11-20', { body: BILL });
    server.bills.set('2026-11-21', { body: BILL, wrongDigest: true });
    server.bills.set('2026-11-23', { body: Buffer.alloc(2 * 1024 * 1024, 'x'), resetAfter: 512 * 1024 });
    // Large enough that most of it has decrypted, and could have been written, before the tag fails.
    server.bills.set('2026-11-25', { body: Buffer.alloc(1024 * 1024, 'z'), forged: true });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const outputs = () => readdirSync(dir).filter((name) => !['apiclient_key.pem', 'platform.pem', 'config.json'].includes(name));
  afterEach(() => {
    for (const name of outputs()) rmSync(join(dir, name));
    server.requests.length = 0;
  });

  it('downloads, checks the digest and writes the bill, plain or gzipped on the wire', async () => {
    for (const gzip of [[], ['--gzip']]) {
      const out = join(dir, 'trade.csv');
      const { code, stdout, stderr } = await run(['bill', '--date', '2026-11-20', '-c', configFile, '-o', out, ...gzip]);
      expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
      expect(readFileSync(out).equals(BILL)).to.equal(true);
      expect(stdout).to.include(out).and.include('digest verified');
      expect(server.requests.some((line) => line.includes('tar_type=GZIP'))).to.equal(gzip.length > 0);
      expect(outputs()).to.deep.equal(['trade.csv']);
      server.requests.length = 0;
    }
  });

  it('asks for the fund-flow bill with --type fundflow, config from the environment', async () => {
    const { config } = server;
    const env = {
      WXPAY_MCHID: config.mchid,
      WXPAY_SERIAL: config.serial,
      WXPAY_PRIVATE_KEY: join(dir, 'apiclient_key.pem'),
      WXPAY_CERTS: JSON.stringify({ [Object.keys(config.certs as object)[0]!]: join(dir, 'platform.pem') }),
      WXPAY_BASE_URL: server.url,
    };
    const out = join(dir, 'fund.csv');
    const { code } = await run(['bill', '--date', '2026-11-20', '--type', 'fundflow', '-o', out], { env });
    expect(code).to.equal(0);
    expect(server.requests[0]).to.match(/^GET \/v3\/bill\/fundflowbill\?bill_date=2026-11-20$/);
    expect(readFileSync(out).equals(BILL)).to.equal(true);
  });

  it('downloads a sub-merchant fund-flow bill with --type subfundflow --sub-mchid: decrypted, digest checked, plain or gzipped', async () => {
    for (const gzip of [[], ['--gzip']]) {
      const out = join(dir, 'sub.csv');
      const { code, stdout, stderr } = await run(['bill', '--date', '2026-11-20', '--type', 'subfundflow', '--sub-mchid', '1900000109', '-c', configFile, '-o', out, ...gzip]);
      expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
      expect(readFileSync(out).equals(BILL)).to.equal(true);
      expect(stdout).to.include('digest verified');
      expect(server.requests[0]).to.match(/^GET \/v3\/bill\/sub-merchant-fundflowbill\?sub_mchid=1900000109&bill_date=2026-11-20&account_type=BASIC&algorithm=AEAD_AES_256_GCM/);
      rmSync(out);
      server.requests.length = 0;
    }
    // A wrong digest over the decrypted bill, a forged ciphertext (its GCM tag fails at the end) or a
    // reset mid-file: exit 1, no file left, not even the part that decrypted before the tag was checked.
    for (const [date, code] of [['2026-11-21', 'ERR_DIGEST'], ['2026-11-25', 'ERR_DECRYPT'], ['2026-11-23', 'ERR_RESPONSE_INCOMPLETE']] as const) {
      const failed = await run(['bill', '--date', date, '--type', 'subfundflow', '--sub-mchid', '1900000109', '-c', configFile, '-o', join(dir, 'sub.csv')]);
      expect(failed.code, date).to.equal(1);
      expect(failed.stderr, date).to.match(new RegExp(`^wxpay: ${code}: `));
      expect(outputs(), date).to.deep.equal([]);
    }
    for (const argv of [['--type', 'subfundflow'], ['--sub-mchid', '1900000109'], ['--type', 'subfundflow', '--sub-mchid', 'x1']]) {
      expect((await run(['bill', '--date', '2026-11-20', '-c', configFile, ...argv])).code, argv.join(' ')).to.equal(2);
    }
  });

  it('draws a progress line on a terminal', async () => {
    server.bills.set('2026-11-24', { body: Buffer.alloc(8 * 1024 * 1024, 'y') });
    const { code, stderr } = await run(['bill', '--date', '2026-11-24', '-c', configFile, '-o', join(dir, 'big.csv')], { isTTY: true });
    expect(code).to.equal(0);
    expect(stderr).to.match(/\r\x1b\[2K8\.0 MB \/ 8\.0 MB {2}[\d.]+ [KMG]?B\/s {2}ETA 0:00\n$/);
  });

  it('leaves no file behind on a wrong digest (ERR_DIGEST) or a reset mid-file (TransportError)', async () => {
    const digest = await run(['bill', '--date', '2026-11-21', '-c', configFile, '-o', join(dir, 'bad.csv')]);
    expect(digest.code).to.equal(1);
    expect(digest.stderr).to.match(/^wxpay: ERR_DIGEST: /);
    expect(outputs()).to.deep.equal([]);
    const reset = await run(['bill', '--date', '2026-11-23', '-c', configFile, '-o', join(dir, 'cut.csv')]);
    expect(reset.code).to.equal(1);
    expect(reset.stderr).to.match(/^wxpay: ERR_RESPONSE_INCOMPLETE: /);
    expect(outputs()).to.deep.equal([]);
  });

  it('refuses a bad date or type (exit 2) and missing config (exit 1), never printing the key', async () => {
    for (const argv of [['bill', '--date', '2026-02-30', '-c', configFile], ['bill', '--date', '20261120'], ['bill', '--date', '2026-11-20', '--type', 'refund']]) {
      expect((await run(argv)).code, argv.join(' ')).to.equal(2);
    }
    const missing = await run(['bill', '--date', '2026-11-20', '--privatekey', join(dir, 'apiclient_key.pem')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('ERR_CONFIG').and.include('merchant id');
    const unreadable = await run(['bill', '--date', '2026-11-20', '-c', configFile, '-f', join(dir, 'nope.pem')]);
    expect(unreadable.stderr).to.include('ERR_CONFIG').and.include('nope.pem');
    for (const { stderr, stdout } of [missing, unreadable]) expect(stderr + stdout).not.to.include(privateKeyPem.split('\n')[1]!);
  });
});
