// `wxpay sandbox`: in-process (stopped by an AbortSignal) and as a child process (stopped by
// SIGTERM and SIGINT). The printed JSON line, the files it names, a client built from them
// paying an order through the control routes, and bad command lines.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { Builder, Rsa } from '../../lib/index.js';
import { main } from '../../lib/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Printed {
  url: string;
  mchid: string;
  serial: string;
  privateKey: string;
  certs: Record<string, string>;
  apiv3Key: string;
  secret: string;
  dir: string;
}

/** Starts `wxpay sandbox` in-process; resolves with what it printed once it serves. */
function start(argv: string[]) {
  const stop = new AbortController();
  let stdout = '';
  let stderr = '';
  let announce: (printed: Printed) => void;
  const printed = new Promise<Printed>((resolve) => { announce = resolve; });
  const done = main(['sandbox', ...argv], {
    stdout: (text) => {
      stdout += text;
      if (text.endsWith('\n')) announce(JSON.parse(text));
    },
    stderr: (text) => { stderr += text; },
  }, stop.signal);
  return { printed, done, stop: () => stop.abort(), output: () => ({ stdout, stderr }) };
}

describe('wxpay sandbox (standalone)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-spec-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('prints one JSON line naming the url, the merchant, absolute key files and the APIv3 key; a client built from them works', async () => {
    const dir = tempDir();
    const run = start(['--dir', dir, '--callback-retry-ms', '10,20']);
    const printed = await run.printed;
    try {
      expect(printed).to.have.keys('url', 'mchid', 'serial', 'privateKey', 'certs', 'apiv3Key', 'secret', 'dir');
      expect(printed.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(printed.dir).to.equal(dir);
      expect(isAbsolute(printed.privateKey) && printed.privateKey.startsWith(dir)).to.equal(true);
      expect((statSync(printed.privateKey).mode & 0o777).toString(8)).to.equal('600');
      const [[id, file]] = Object.entries(printed.certs) as [[string, string]];
      expect(id).to.match(/^PUB_KEY_ID_01/);
      expect(readFileSync(file, 'utf8')).to.match(/^-----BEGIN PUBLIC KEY-----/);
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      expect(config).to.deep.equal({ mchid: printed.mchid, serial: printed.serial, privateKey: printed.privateKey, certs: printed.certs, apiv3Key: printed.apiv3Key, secret: printed.secret, baseURL: printed.url });

      const wxpay = Builder.factory({
        mchid: printed.mchid, serial: printed.serial, baseURL: printed.url,
        privateKey: Rsa.from(`file://${printed.privateKey}`, Rsa.KEY_TYPE_PRIVATE),
        certs: { [id]: Rsa.from(`file://${file}`, Rsa.KEY_TYPE_PUBLIC) },
      });
      const out_trade_no = `CLI${Date.now()}`;
      await wxpay.chain('v3/pay/transactions/native').post({ json: { appid: 'wx1234567890abcdef', mchid: printed.mchid, description: 'cli', out_trade_no, notify_url: 'http://127.0.0.1:9/n', amount: { total: 1 } } });
      // The printed secret signs APIv2 calls the same server answers (ORDERNOTEXIST: the sign passed).
      const v2 = Builder.factory({ mchid: printed.mchid, secret: printed.secret, baseURL: printed.url });
      const closed = await v2.v2.pay.closeorder.post({ xml: { appid: 'wx1234567890abcdef', mch_id: printed.mchid, out_trade_no: 'CLI-NONE' } }).catch((error: unknown) => error);
      expect(closed).to.include({ name: 'ApiError', code: 'ORDERNOTEXIST' });
      const paid = await fetch(`${printed.url}sandbox/pay`, { method: 'POST', body: JSON.stringify({ out_trade_no, trade_state: 'SUCCESS' }) });
      expect(paid.status).to.equal(200);
      const { data } = await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ out_trade_no, query: { mchid: printed.mchid } });
      expect(data.trade_state).to.equal('SUCCESS');
    } finally {
      run.stop();
    }
    expect(await run.done).to.equal(0);
    // stderr names the dashboard and its loopback rule, then says it stopped; stdout is the one JSON line.
    expect(run.output().stderr).to.equal(`wxpay sandbox: dashboard at ${printed.url}sandbox/ (served to this machine only: loopback callers naming a loopback host)\nwxpay sandbox: stopped\n`);
    expect(run.output().stdout.split('\n').filter(Boolean)).to.have.length(1);
    // Stopped: the port no longer answers.
    expect(await fetch(`${printed.url}sandbox/callbacks`).then(() => 'answered', () => 'refused')).to.equal('refused');
  });

  it('in certificate mode names the platform certificate by its serial and writes it as wechatpay_<serial>.pem', async () => {
    const run = start(['--mode', 'certificate', '--dir', tempDir()]);
    const printed = await run.printed;
    run.stop();
    await run.done;
    const [[id, file]] = Object.entries(printed.certs) as [[string, string]];
    expect(id).to.match(/^[0-9A-F]{40}$/);
    expect(file.endsWith(`wechatpay_${id}.pem`)).to.equal(true);
    expect(Rsa.serial(readFileSync(file, 'utf8'))).to.equal(id);
  });

  it('with --facts checks requests against the facts and answers the other operations', async () => {
    const run = start(['--dir', tempDir(), '--facts', join(ROOT, 'scripts/openapi/facts.json')]);
    const printed = await run.printed;
    try {
      const [[id, file]] = Object.entries(printed.certs) as [[string, string]];
      const wxpay = Builder.factory({
        mchid: printed.mchid, serial: printed.serial, baseURL: printed.url,
        privateKey: Rsa.from(`file://${printed.privateKey}`, Rsa.KEY_TYPE_PRIVATE), certs: { [id]: Rsa.from(`file://${file}`, Rsa.KEY_TYPE_PUBLIC) },
      });
      const { status, data } = await wxpay.chain('v3/capital/capitallhh/areas/provinces/{province_code}/cities').get({ province_code: 110000 });
      expect(status).to.equal(200);
      expect(data).to.be.an('object');
      // @ts-expect-error the types refuse this request too; the sandbox must refuse it on the wire
      const refused = await wxpay.chain('v3/capital/capitallhh/areas/provinces/{province_code}/cities').get({ province_code: 'x' }).catch((error: { code?: string }) => error);
      expect(refused).to.include({ code: 'PARAM_ERROR' });
    } finally {
      run.stop();
    }
    await run.done;
    let stderr = '';
    expect(await main(['sandbox', '--facts', join(ROOT, 'package.json')], { stdout: () => undefined, stderr: (text) => { stderr += text; } })).to.equal(2);
    expect(stderr).to.include('has no operations list');
  });

  it('without --dir writes into a new temp directory', async () => {
    const run = start([]);
    const printed = await run.printed;
    dirs.push(printed.dir);
    run.stop();
    await run.done;
    expect(printed.dir.startsWith(tmpdir())).to.equal(true);
    expect(existsSync(join(printed.dir, 'config.json'))).to.equal(true);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`as a child process, stops cleanly on ${signal} with exit code 0`, async () => {
      const dir = tempDir();
      const child = spawn(process.execPath, ['--import', 'tsx', 'spec/support/wxpay.ts', 'sandbox', '--dir', dir, '--port', '0'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<[number | null, string | null]>((done) => child.once('exit', (code, sig) => done([code, sig])));
      const [first] = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((result) => [result.value as string]);
      const printed = JSON.parse(first!) as Printed;
      expect((await fetch(`${printed.url}sandbox/callbacks`)).status).to.equal(200);
      child.kill(signal);
      expect(await exited).to.deep.equal([0, null]);
    });
  }

  it('refuses bad command lines with the usage and exit code 2', async () => {
    for (const argv of [['--port', 'x'], ['--port', '70000'], ['--mode', 'both'], ['--callback-retry-ms', '1,-2'], ['--refund-delay-ms', '1,2'], ['--nope']]) {
      let stderr = '';
      const code = await main(['sandbox', ...argv], { stdout: () => undefined, stderr: (text) => { stderr += text; } });
      expect(code, argv.join(' ')).to.equal(2);
      expect(stderr).to.match(/^wxpay sandbox: /).and.include('Usage: wxpay sandbox');
    }
    let stdout = '';
    expect(await main(['sandbox', '--help'], { stdout: (text) => { stdout += text; }, stderr: () => undefined })).to.equal(0);
    expect(stdout).to.include('POST /sandbox/pay');
  });
});
