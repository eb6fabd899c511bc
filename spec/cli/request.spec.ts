// `wxpay request` against the loopback sandbox, which checks every signature: config from flags,
// a --config file and WXPAY_* variables (flags > file > environment), help, errors, no key echoed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { main } from '../../lib/cli.js';
import { REQUEST_USAGE } from '../../lib/cli/request.js';
import { Sandbox, type ListeningSandbox } from '../../lib/testing/index.js';
import { sharedKeys } from '../support/gateway.js';

const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
const APPID = 'wx1234567890abcdef';
const CARD_ID = 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM';

describe('wxpay request (the command)', () => {
  const sandbox = new Sandbox({ keys: sharedKeys() });
  let server: ListeningSandbox;
  let dir: string;
  const files = { key: '', cert: '', config: '' };
  const flags = () => ['-m', sandbox.mchid, '-s', sandbox.merchant.serial, '-f', files.key, '--certs', JSON.stringify({ [sandbox.platform.id]: files.cert }), '--base-url', server.url];
  const GET = ['request', 'GET', `v3/businesscircle/user-authorizations/${OPENID}`, '--query', `appid=${APPID}`];

  async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
    let stdout = '';
    let stderr = '';
    // The in-process runs read WXPAY_* from this env only (never the developer's own).
    const code = await main(argv, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; }, env });
    return { code, stdout, stderr };
  }

  before(async () => {
    server = await sandbox.listen();
    dir = mkdtempSync(join(tmpdir(), 'wxpay-request-'));
    files.key = join(dir, 'apiclient_key.pem');
    files.cert = join(dir, 'pub_key.pem');
    files.config = join(dir, 'config.json');
    writeFileSync(files.key, sandbox.merchant.privateKey);
    writeFileSync(files.cert, sandbox.platform.publicKey);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const secrets = () => [sandbox.apiv3Key, ...sandbox.merchant.privateKey.split('\n').filter((line) => line.length > 40)];
  const expectNoSecret = (text: string) => {
    for (const secret of secrets()) expect(text).not.to.include(secret);
  };

  it('GETs with flags and prints the verified answer as JSON', async () => {
    const { code, stdout, stderr } = await run([...GET, ...flags()]);
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).to.include({ openid: OPENID, authorize_state: 'AUTHORIZED' });
  });

  it('POSTs --json as typed (the sandbox checks the signature over those bytes)', async () => {
    const { code, stdout } = await run(['request', 'post', `v3/marketing/membercard-open/cards/${CARD_ID}/permission-tokens`, '--json', '{ "activate_type":"AUTO_ACTIVATE" }', ...flags()]);
    expect(code).to.equal(0);
    expect(JSON.parse(stdout)).to.have.property('permission_token');
  });

  it('POSTs --xml to a v2/ path, signed with WXPAY_SECRET (the sandbox checks the sign); a wrong key is one line, exit 1, key not echoed', async () => {
    const xml = JSON.stringify({ appid: sandbox.v2.appid, mch_id: sandbox.mchid, out_trade_no: 'CLI-V2-NONE' });
    const refused = await run(['request', 'POST', 'v2/pay/orderquery', '--xml', xml, ...flags()], { WXPAY_SECRET: sandbox.v2.secret });
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('ORDERNOTEXIST');
    const wrong = 'wrong-apiv2-key-wrong-apiv2-key0';
    const forged = await run(['request', 'POST', 'v2/pay/orderquery', '--xml', xml, ...flags()], { WXPAY_SECRET: wrong });
    expect(forged.code).to.equal(1);
    expect(forged.stderr).to.include('签名错误');
    expect(forged.stderr + forged.stdout).not.to.include(wrong);
    sandbox.v2.state.orders.set('CLI-V2-1', { appid: sandbox.v2.appid, out_trade_no: 'CLI-V2-1', transaction_id: '4200000001', body: 'b', total_fee: 3, trade_type: 'NATIVE', trade_state: 'SUCCESS', openid: 'o', sign_type: 'MD5', paid_at: new Date() });
    const found = await run(['request', 'POST', 'v2/pay/orderquery', '--xml', xml.replace('CLI-V2-NONE', 'CLI-V2-1'), ...flags()], { WXPAY_SECRET: sandbox.v2.secret });
    expect(found.code, found.stderr).to.equal(0);
    expect(JSON.parse(found.stdout)).to.include({ out_trade_no: 'CLI-V2-1', trade_state: 'SUCCESS', total_fee: '3' });
    expectNoSecret(found.stdout);
    expect(found.stdout).not.to.include(sandbox.v2.secret);
  });

  it('takes the config from WXPAY_* variables alone (keys as PEM or files)', async () => {
    const env = {
      WXPAY_MCHID: sandbox.mchid, WXPAY_SERIAL: sandbox.merchant.serial, WXPAY_PRIVATE_KEY: sandbox.merchant.privateKey,
      WXPAY_CERTS: JSON.stringify({ [sandbox.platform.id]: files.cert }), WXPAY_BASE_URL: server.url, WXPAY_APIV3_KEY: sandbox.apiv3Key,
    };
    const { code, stdout } = await run(GET, env);
    expect(code).to.equal(0);
    expect(JSON.parse(stdout)).to.have.property('authorize_state', 'AUTHORIZED');
  });

  it('takes --config (paths relative to it); flags win over the file, the file over the environment', async () => {
    writeFileSync(files.config, JSON.stringify({ mchid: '1', serial: sandbox.merchant.serial, privateKey: 'apiclient_key.pem', certs: { [sandbox.platform.id]: 'pub_key.pem' }, baseURL: server.url }));
    const env = { WXPAY_MCHID: '2', WXPAY_BASE_URL: 'http://127.0.0.1:1/', WXPAY_SERIAL: 'WRONG' };
    const fileOnly = await run([...GET, '--config', files.config], env);
    // The file's mchid 1 is not the sandbox's: refused by the gateway, so the file won over the environment for the rest.
    expect(fileOnly.code).to.equal(1);
    expect(fileOnly.stderr).to.match(/^wxpay: SIGN_ERROR: .*\n$/);
    const withFlag = await run([...GET, '--config', files.config, '-m', sandbox.mchid], env);
    expect(withFlag.code).to.equal(0);
    expect(JSON.parse(withFlag.stdout)).to.have.property('authorize_state', 'AUTHORIZED');
  });

  it('fails with one line and exit 1; --verbose gives the whole error', async () => {
    // No appid: WeChat Pay answers 400 PARAM_ERROR.
    const path = `v3/businesscircle/user-authorizations/${OPENID}`;
    const short = await run(['request', 'GET', path, ...flags()]);
    expect(short.code).to.equal(1);
    expect(short.stderr.split('\n').filter(Boolean)).to.have.length(1);
    expect(short.stderr).to.match(/^wxpay: [A-Z_]+: /);
    const long = await run(['request', 'GET', path, '--verbose', ...flags()]);
    expect(long.code).to.equal(1);
    expect(long.stderr).to.include('ApiError').and.include('status: 4');
    expect(long.stderr.split('\n').length).to.be.above(3);
    expectNoSecret(long.stderr);
  });

  it('says which config is missing, and never echoes a key', async () => {
    const missing = await run(GET);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^wxpay: ERR_CONFIG: no merchant id: give --mchid, "mchid" in --config, or WXPAY_MCHID/);
    const garbled = `-----BEGIN PRIVATE KEY-----\n${sandbox.merchant.privateKey.split('\n')[3]}\n-----END PRIVATE KEY-----`;
    for (const argv of [
      [...GET, ...flags().slice(0, 4), '-f', garbled, '--verbose'],
      [...GET, ...flags(), sandbox.apiv3Key],
      [...GET, ...flags(), `--${sandbox.apiv3Key}`],
    ]) {
      const { code, stdout, stderr } = await run(argv);
      expect(code, argv.at(-1)).to.be.oneOf([1, 2]);
      expectNoSecret(stdout + stderr);
      expect(stdout + stderr).not.to.include(garbled.split('\n')[1]);
    }
  });

  it('has --help, and exits 2 with usage on a bad command line', async () => {
    expect(await run(['request', '--help'])).to.deep.equal({ code: 0, stdout: REQUEST_USAGE, stderr: '' });
    for (const argv of [['request'], ['request', 'FETCH', 'v3/x'], ['request', 'GET', 'v3/x', '--query', 'novalue'], ['request', 'POST', 'v3/x', '--json', '{bad']]) {
      const { code, stderr } = await run(argv);
      expect(code, argv.join(' ')).to.equal(2);
      expect(stderr).to.include(REQUEST_USAGE);
    }
  });
});
