import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../lib/cli/config.js';
import { ArgumentError } from '../../lib/errors.js';

describe('CLI config loading (flags over --config over WXPAY_*)', () => {
  let dir: string;
  const PEM = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxpay-config-'));
    writeFileSync(join(dir, 'key.pem'), PEM);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ mchid: 'file-mchid', serial: 'file-serial', privateKey: 'key.pem', certs: { PUB_KEY_ID_1: 'key.pem' }, apiv3Key: 'k'.repeat(32) }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const env = { WXPAY_MCHID: 'env-mchid', WXPAY_SERIAL: 'env-serial', WXPAY_PRIVATE_KEY: PEM, WXPAY_CERTS: JSON.stringify({ PUB_KEY_ID_2: PEM }), WXPAY_BASE_URL: 'http://127.0.0.1:1', WXPAY_SECRET: 's' };

  it('reads the environment, key fields as PEM or file paths', () => {
    const { client } = loadConfig({}, env);
    expect(client).to.deep.equal({ mchid: 'env-mchid', serial: 'env-serial', privateKey: PEM, certs: { PUB_KEY_ID_2: PEM }, baseURL: 'http://127.0.0.1:1/', secret: 's' });
  });

  it('lets the file win over the environment (its paths relative to itself), and flags over both', () => {
    const fromFile = loadConfig({ config: join(dir, 'config.json') }, env);
    expect(fromFile.client).to.include({ mchid: 'file-mchid', serial: 'file-serial', privateKey: PEM, baseURL: 'http://127.0.0.1:1/' });
    expect(fromFile.client.certs).to.deep.equal({ PUB_KEY_ID_1: PEM });
    expect(fromFile.apiv3Key).to.equal('k'.repeat(32));
    const fromFlags = loadConfig({ config: join(dir, 'config.json'), mchid: 'flag-mchid', 'base-url': 'http://127.0.0.1:2' }, env);
    expect(fromFlags.client).to.include({ mchid: 'flag-mchid', serial: 'file-serial', baseURL: 'http://127.0.0.1:2/' });
  });

  it('refuses what is missing or unreadable with ERR_CONFIG, naming the field, never the key', () => {
    const cases: [Record<string, string>, NodeJS.ProcessEnv, RegExp][] = [
      [{}, {}, /merchant id/],
      [{}, { ...env, WXPAY_CERTS: '[1]' }, /WXPAY_CERTS/],
      [{ config: join(dir, 'missing.json') }, env, /ENOENT/],
      [{ privatekey: join(dir, 'nope.pem') }, env, /privateKey: cannot read .*nope\.pem/],
      [{ 'base-url': 'localhost' }, env, /http\(s\) URL/],
    ];
    for (const [flags, environment, message] of cases) {
      const error = (() => {
        try {
          loadConfig(flags, environment);
        } catch (e) {
          return e;
        }
      })();
      expect(error).to.be.instanceOf(ArgumentError);
      expect(error).to.have.property('code', 'ERR_CONFIG');
      expect((error as Error).message).to.match(message).and.not.include('AAAA');
    }
  });
});
