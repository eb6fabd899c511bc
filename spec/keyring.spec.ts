import { spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { http, HttpResponse } from 'msw';
import { Builder, Formatter, KeyRing, MIN_REFRESH_INTERVAL, Notifications, Rsa, VerificationError, WechatpayError, type WechatpayClient } from '../lib/index.js';
import { eventually } from './support/eventually.js';
import { mswGateway } from './support/gateway.js';
import { recordTimers } from './support/timers.js';

const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
const query = { appid: 'wx1234567890abcdef' };
/** A key id the sandbox never signs with: a ring starting with only it knows none of the sandbox's keys. */
const OTHER_ID = 'PUB_KEY_ID_0119000001090000000000000042';

const get = (wxpay: WechatpayClient) => wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid: OPENID, query });
const rejection = (promise: Promise<unknown>) => promise.then(() => expect.fail('must be rejected'), (error: unknown) => error as WechatpayError);

describe('KeyRing', () => {
  describe('with a merchant that has platform certificates', () => {
    const gateway = mswGateway('certificate');
    const { sandbox } = gateway;
    let time = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => time;
    const credentials = () => ({ mchid: sandbox.mchid, serial: sandbox.merchant.serial, privateKey: sandbox.keys.merchant, apiv3Key: sandbox.apiv3Key });
    /** A ring that knows only {@link OTHER_ID}, and has downloaded nothing yet. */
    const coldRing = (more: object = {}) => new KeyRing({ ...credentials(), certs: { [OTHER_ID]: createPublicKey(sandbox.keys.merchant) }, now: clock, ...more });
    const downloads = () => gateway.seen.filter((request) => new URL(request.url).pathname === '/v3/certificates').length;

    beforeEach(() => {
      time = Date.parse('2026-01-01T00:00:00Z');
    });

    it('downloads at start-up, and the client verifies and encrypts with what it downloaded', async () => {
      const ring = await KeyRing.create(credentials());
      expect([...ring.keys.keys()]).to.deep.equal([sandbox.platform.id]);
      expect(ring).to.include({ downloads: 1, hasCertificates: true });
      const wxpay = Builder.factory({ ...sandbox.clientConfig(), certs: ring });
      expect((await get(wxpay)).data.authorize_state).to.equal('AUTHORIZED');
      const sent = gateway.seen.at(-1)!;
      expect(sent.headers.get('Wechatpay-Serial')).to.equal(sandbox.platform.id);
      expect(Rsa.decrypt(wxpay.encrypt('13800138000'), sandbox.keys.platform)).to.equal('13800138000');
    });

    it('makes ONE download however many answers name an unknown serial at once, then verifies them all', async () => {
      const ring = coldRing();
      const wxpay = Builder.factory({ ...sandbox.clientConfig(), certs: ring });
      const answers = await Promise.all(Array.from({ length: 12 }, () => get(wxpay)));
      expect(answers.map((answer) => answer.status)).to.deep.equal(Array(12).fill(200));
      expect(downloads()).to.equal(1);
      expect(ring.downloads).to.equal(1);
      expect(ring.keys.has(sandbox.platform.id)).to.equal(true);
    });

    it('downloads at most once per 12 hours: a forged serial cannot make it download again sooner', async () => {
      const errors: unknown[] = [];
      const ring = coldRing({ onError: (error: unknown) => errors.push(error) });
      const wxpay = Builder.factory({ ...sandbox.clientConfig(), certs: ring });
      await get(wxpay);
      expect(downloads()).to.equal(1);

      time += MIN_REFRESH_INTERVAL - 1;
      sandbox.faults.next('wrong-serial', 3);
      for (let i = 0; i < 3; i += 1) expect((await rejection(get(wxpay))).code).to.equal('ERR_RESPONSE_SERIAL');
      expect(downloads()).to.equal(1);

      time += 1;
      sandbox.faults.next('wrong-serial');
      const error = await rejection(get(wxpay));
      expect(error).to.be.instanceOf(VerificationError);
      expect(error.code).to.equal('ERR_RESPONSE_SERIAL');
      expect(downloads()).to.equal(2);
      expect(errors).to.deep.equal([]);
    });

    it('keeps a certificate WeChat Pay no longer lists until it expires, then drops it', async () => {
      const ring = await KeyRing.create({ ...credentials(), now: clock });
      // A later download listing nothing (signed by the certificate the ring already trusts).
      gateway.use(http.get('https://api.mch.weixin.qq.com/v3/certificates', () => {
        const body = '{"data":[]}';
        const timestamp = String(Formatter.timestamp());
        const nonce = Formatter.nonce();
        const signature = Rsa.sign(Formatter.response(timestamp, nonce, body), sandbox.keys.platform);
        return new HttpResponse(body, { headers: { 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Nonce': nonce, 'Wechatpay-Serial': sandbox.platform.id, 'Wechatpay-Signature': signature } });
      }));
      await ring.refresh({ force: true });
      expect(ring.downloads).to.equal(2);
      expect(ring.keys.has(sandbox.platform.id)).to.equal(true);

      const notAfter = Date.parse(new (await import('node:crypto')).X509Certificate(sandbox.platform.certificate!).validTo);
      time = notAfter - 1;
      expect(ring.keys.has(sandbox.platform.id)).to.equal(true);
      time = notAfter;
      expect(ring.keys.get(sandbox.platform.id)).to.equal(undefined);
      expect([...ring.keys.keys()]).to.deep.equal([]);
    });

    it('lets callbacks learn a new certificate too', async () => {
      const ring = coldRing();
      const notifications = new Notifications({ apiv3Key: sandbox.apiv3Key, certs: ring });
      const { body, headers } = await sandbox.notification({ event_type: 'TRANSACTION.SUCCESS', resource: { trade_state: 'SUCCESS' } });
      expect((await notifications.verify(body, headers)).resource).to.deep.equal({ trade_state: 'SUCCESS' });
      expect(ring.downloads).to.equal(1);
    });

    it('reports a failed refresh to onError, and the answer still fails on its own', async () => {
      const errors: WechatpayError[] = [];
      const ring = coldRing({ apiv3Key: 'W'.repeat(32), onError: (error: WechatpayError) => errors.push(error) });
      const wxpay = Builder.factory({ ...sandbox.clientConfig(), certs: ring });
      expect((await rejection(get(wxpay))).code).to.equal('ERR_RESPONSE_SERIAL');
      expect(errors.map((error) => error.code)).to.deep.equal(['ERR_DECRYPT']);
    });

    it('refreshes in the background every refreshInterval (jittered) until close()', async () => {
      // Each timer must be the interval ±10 %. The ring is closed just after planning its fourth,
      // while that timer is pending, so nothing here depends on how many downloads a busy machine
      // fits in a given time.
      const arrived: number[] = [];
      gateway.use(http.get('*/v3/certificates', () => void arrived.push(performance.now())));
      let ring: KeyRing | undefined;
      let stopped: number | undefined;
      const { delays: planned, restore } = recordTimers(1000, (count) => {
        // After the ring has stored this timer, before any timer can fire.
        if (count >= 4 && ring && stopped === undefined) queueMicrotask(() => {
          ring!.close();
          stopped = ring!.downloads;
        });
      });
      try {
        ring = await KeyRing.create({ ...credentials(), refreshInterval: 40 });
        await eventually(() => stopped !== undefined, 'four refreshes planned (refreshInterval 40 ms)');
      } finally {
        restore();
        ring?.close();
      }
      for (const ms of planned) expect(ms).to.be.within(36, 44);
      expect(new Set(planned).size, 'jittered').to.be.above(1);
      // A timer never fires early: background downloads reach the server at least 36 ms apart
      // (less 1 ms of clock rounding), however busy the machine.
      const background = arrived.slice(1);
      background.slice(1).forEach((at, i) => expect(at - background[i]!, `gap ${i + 1}`).to.be.at.least(35));
      // close() cleared the pending timer: due within 44 ms, it would have run (and counted a
      // download) before this 150 ms one.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(ring!.downloads).to.equal(stopped);
      expect(() => new KeyRing({ ...credentials(), refreshInterval: -1 })).to.throw(WechatpayError).with.property('code', 'ERR_CONFIG');
    });

    it('plans nothing more once closed during a background download', async () => {
      let ring: KeyRing | undefined;
      let plannedAtClose: number | undefined;
      const { delays: planned, restore } = recordTimers();
      // Closed when the first background download reaches the server: it is then under way.
      gateway.use(http.get('*/v3/certificates', () => {
        if (ring && ring.downloads === 2 && plannedAtClose === undefined) {
          ring.close();
          plannedAtClose = planned.length;
        }
      }));
      try {
        ring = await KeyRing.create({ ...credentials(), refreshInterval: 40 });
        await eventually(() => plannedAtClose !== undefined, 'a background download');
        await ring.refresh(); // the download under way, shared
        await new Promise((resolve) => setImmediate(resolve)); // and what followed it
      } finally {
        restore();
        ring?.close();
      }
      expect(planned).to.have.length(plannedAtClose!);
      expect(ring.downloads).to.equal(2);
    });

    it('keeps its keys when a background refresh fails, and reports it to onError', async () => {
      const errors: WechatpayError[] = [];
      const ring = await KeyRing.create({ ...credentials(), refreshInterval: 40, onError: (error: unknown) => errors.push(error as WechatpayError) });
      try {
        gateway.use(http.get('*/v3/certificates', () => HttpResponse.json({ code: 'SYSTEM_ERROR', message: 'busy' }, { status: 500 })));
        await eventually(() => errors.length >= 1, 'a failed background refresh reported to onError');
        expect(errors[0]).to.include({ code: 'SYSTEM_ERROR', status: 500 });
        expect([...ring.keys.keys()]).to.deep.equal([sandbox.platform.id]);
        const wxpay = Builder.factory({ ...sandbox.clientConfig(), certs: ring });
        expect((await get(wxpay)).data.authorize_state).to.equal('AUTHORIZED');
      } finally {
        ring.close();
      }
    });

    it('never keeps the process alive with its timer (default 12 h)', async () => {
      // Starting the child (tsx compiling lib/, a 2048-bit key) takes seconds on a busy machine
      // and is not timed. Only its exit once the ring is made is: the bug would hold it 12 h.
      const script = `
        import { generateKeyPairSync } from 'node:crypto';
        const { KeyRing } = await import(${JSON.stringify(new URL('../lib/index.ts', import.meta.url).href)});
        const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        new KeyRing({ mchid: '1900000109', serial: 'AB', privateKey, apiv3Key: 'k'.repeat(32), certs: { PUB_KEY_ID_0119000001090000000000000042: publicKey } });
        console.log('made');`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const made = new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('\n')) resolve();
      }));
      await Promise.race([made, exited]);
      let timer: NodeJS.Timeout | undefined;
      const alive = new Promise<'alive'>((resolve) => (timer = setTimeout(() => resolve('alive'), 30_000)));
      try {
        expect(await Promise.race([exited, alive]), 'exit code, 30 s after the ring was made').to.equal(0);
      } finally {
        clearTimeout(timer);
        child.kill();
      }
      expect(output).to.equal('made\n');
    });

    it('shows only key ids: no APIv3 key, no private key in inspect, JSON or the client', async () => {
      const ring = await KeyRing.create(credentials());
      const wxpay = Builder.factory({ ...sandbox.clientConfig(), certs: ring });
      const privateKeyLine = sandbox.merchant.privateKey.split('\n')[4]!;
      for (const shown of [inspect(ring, { showHidden: true, depth: 8 }), JSON.stringify(ring), inspect(wxpay, { showHidden: true, depth: 8 })]) {
        expect(shown).not.to.include(sandbox.apiv3Key);
        expect(shown).not.to.include(privateKeyLine);
      }
      expect(JSON.stringify(ring)).to.equal(JSON.stringify({ keys: [sandbox.platform.id] }));
    });

    it('is refused by the client while it holds no key (ERR_CONFIG)', () => {
      const empty = new KeyRing(credentials());
      expect(() => Builder.factory({ ...sandbox.clientConfig(), certs: empty })).to.throw(WechatpayError).with.property('code', 'ERR_CONFIG');
    });
  });

  describe('with a public-key-only merchant (404 RESOURCE_NOT_EXISTS)', () => {
    const gateway = mswGateway('pubkey');
    const { sandbox } = gateway;
    const credentials = () => ({ mchid: sandbox.mchid, serial: sandbox.merchant.serial, privateKey: sandbox.keys.merchant, apiv3Key: sandbox.apiv3Key });


    it('keeps the configured public key and the client works', async () => {
      const ring = await KeyRing.create({ ...credentials(), certs: { [sandbox.platform.id]: sandbox.platform.publicKey } });
      expect(ring.hasCertificates).to.equal(false);
      expect([...ring.keys.keys()]).to.deep.equal([sandbox.platform.id]);
      const wxpay = Builder.factory({ ...sandbox.clientConfig(), certs: ring });
      expect((await get(wxpay)).status).to.equal(200);
      expect(gateway.seen.at(-1)!.headers.get('Wechatpay-Serial')).to.equal(sandbox.platform.id);
      // An unknown serial within 12 h of the 404 asks for nothing more.
      sandbox.faults.next('wrong-serial');
      expect((await rejection(get(wxpay))).code).to.equal('ERR_RESPONSE_SERIAL');
      expect(ring.downloads).to.equal(1);
    });

    it('fails with ERR_CONFIG when there is then no key at all', async () => {
      const error = await rejection(KeyRing.create(credentials()));
      expect(error.code).to.equal('ERR_CONFIG');
    });
  });
});
