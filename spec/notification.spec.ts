import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { Formatter, Notifications, Rsa, VerificationError, WechatpayError, type NotificationEvent } from '../lib/index.js';
import { Sandbox, type SandboxNotification } from '../lib/testing/index.js';
import { sharedKeys } from './support/gateway.js';

const EVENT = {
  event_type: 'TRANSACTION.SUCCESS',
  summary: '支付成功',
  resource: { mchid: '1900000109', out_trade_no: '1217752501201407033233368018', trade_state: 'SUCCESS', amount: { total: 100, currency: 'CNY' } },
};

/** A rejection's error, or a failure when there was none. */
const rejection = (promise: Promise<unknown>) => promise.then(() => expect.fail('the callback must be rejected'), (error: unknown) => error as WechatpayError);

/** Every place an error could leak a secret: its message, stack, cause, inspect and JSON. */
function exposed(value: unknown): string {
  const error = value as { stack?: unknown; cause?: unknown };
  return [inspect(value, { showHidden: true, depth: 8 }), JSON.stringify(value) ?? '', String(error?.stack ?? ''), inspect(error?.cause, { showHidden: true })].join('\n');
}

describe('callbacks (Notifications)', () => {
  for (const mode of ['pubkey', 'certificate'] as const) {
    describe(`from a ${mode}-mode sandbox`, () => {
      const sandbox = new Sandbox({ keys: sharedKeys(), mode });
      const notifications = new Notifications({ apiv3Key: sandbox.apiv3Key, certs: sandbox.clientConfig().certs });

      /** The same callback with its body changed and re-signed by the platform key: only the change is wrong. */
      function resigned(callback: SandboxNotification, change: (envelope: any) => void): SandboxNotification {
        const envelope = JSON.parse(callback.body);
        change(envelope);
        const body = JSON.stringify(envelope);
        const timestamp = String(Formatter.timestamp());
        const nonce = Formatter.nonce();
        const signature = Rsa.sign(Formatter.response(timestamp, nonce, body), sandbox.keys.platform);
        return { body, headers: { ...callback.headers, 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Nonce': nonce, 'Wechatpay-Signature': signature } };
      }

      it('accepts a callback produced by the sandbox: the envelope and the parsed plaintext', async () => {
        const { body, headers } = await sandbox.notification({ ...EVENT, id: 'EV-1', create_time: '2024-05-20T10:00:00+08:00' });
        const event: NotificationEvent = await notifications.verify(body, headers);
        expect(event).to.deep.equal({
          id: 'EV-1',
          create_time: '2024-05-20T10:00:00+08:00',
          event_type: 'TRANSACTION.SUCCESS',
          resource_type: 'encrypt-resource',
          summary: '支付成功',
          resource: EVENT.resource,
        });
      });

      it('takes the body as a string or a Buffer, the headers as Node, Fetch or any-case plain object', async () => {
        const { body, headers } = await sandbox.notification(EVENT);
        const node = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
        for (const [raw, shape] of [[body, node], [Buffer.from(body), new Headers(headers)], [Buffer.from(body), headers]] as const) {
          expect((await notifications.verify(raw, shape)).resource).to.deep.equal(EVENT.resource);
        }
      });

      it('accepts a resource without associated_data, and any event type', async () => {
        const { body, headers } = await sandbox.notification({ event_type: 'REFUND.SUCCESS', resource: { refund_status: 'SUCCESS' }, associated_data: null });
        expect(JSON.parse(body).resource).not.to.have.property('associated_data');
        const event = await notifications.verify(body, headers);
        expect(event.event_type).to.equal('REFUND.SUCCESS');
        expect(event.resource).to.deep.equal({ refund_status: 'SUCCESS' });
      });

      const verificationCases: [string, (callback: SandboxNotification) => SandboxNotification, string][] = [
        ['one byte of the body changed', ({ body, headers }) => ({ body: body.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESs"'), headers }), 'ERR_RESPONSE_SIGNATURE'],
        ['a timestamp 301 s old', (callback) => {
          const timestamp = String(Formatter.timestamp() - 301);
          const nonce = callback.headers['Wechatpay-Nonce']!;
          const signature = Rsa.sign(Formatter.response(timestamp, nonce, callback.body), sandbox.keys.platform);
          return { body: callback.body, headers: { ...callback.headers, 'Wechatpay-Timestamp': timestamp, 'Wechatpay-Signature': signature } };
        }, 'ERR_RESPONSE_TIMESTAMP'],
        ['an unknown serial', ({ body, headers }) => ({ body, headers: { ...headers, 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000000000000000000000' } }), 'ERR_RESPONSE_SERIAL'],
        ['a probe signature', ({ body, headers }) => ({ body, headers: { ...headers, 'Wechatpay-Signature': 'WECHATPAY/SIGNTEST/ZmFrZQ==' } }), 'ERR_SIGNATURE_PROBE'],
        ['a missing Wechatpay-Nonce', ({ body, headers: { 'Wechatpay-Nonce': _, ...rest } }) => ({ body, headers: rest }), 'ERR_RESPONSE_HEADERS'],
      ];
      for (const [label, spoil, code] of verificationCases) {
        it(`rejects ${label} with ${code}`, async () => {
          const { body, headers } = spoil(await sandbox.notification(EVENT));
          const error = await rejection(notifications.verify(body, headers));
          expect(error).to.be.instanceOf(VerificationError);
          expect(error.code).to.equal(code);
        });
      }

      it('rejects the sandbox fault switches on callbacks with their codes', async () => {
        const expected = { 'tamper-body': 'ERR_RESPONSE_SIGNATURE', 'wrong-serial': 'ERR_RESPONSE_SERIAL', 'stale-timestamp': 'ERR_RESPONSE_TIMESTAMP', 'missing-headers': 'ERR_RESPONSE_HEADERS', 'probe-signature': 'ERR_SIGNATURE_PROBE' } as const;
        for (const [fault, code] of Object.entries(expected)) {
          const { body, headers } = await sandbox.notification(EVENT, { faults: [fault as keyof typeof expected] });
          expect((await rejection(notifications.verify(body, headers))).code, fault).to.equal(code);
        }
      });

      it('rejects a callback encrypted with another APIv3 key with ERR_DECRYPT', async () => {
        const { body, headers } = await sandbox.notification(EVENT, { apiv3Key: 'A'.repeat(32) });
        const error = await rejection(notifications.verify(body, headers));
        expect(error).to.be.instanceOf(WechatpayError).and.not.instanceOf(VerificationError);
        expect(error.code).to.equal('ERR_DECRYPT');
      });

      it('rejects a cut tag, an altered ciphertext and altered associated data with ERR_DECRYPT, though signed', async () => {
        const cuts: ((resource: any) => void)[] = [
          (resource) => { resource.ciphertext = Buffer.from(resource.ciphertext, 'base64').subarray(0, -1).toString('base64'); },
          (resource) => { resource.ciphertext = Buffer.from(resource.ciphertext, 'base64').subarray(0, -16).toString('base64'); },
          (resource) => { const bytes = Buffer.from(resource.ciphertext, 'base64'); bytes[0]! ^= 1; resource.ciphertext = bytes.toString('base64'); },
          (resource) => { resource.associated_data = 'certificate'; },
          (resource) => { delete resource.associated_data; },
        ];
        for (const cut of cuts) {
          const { body, headers } = resigned(await sandbox.notification(EVENT), (envelope) => cut(envelope.resource));
          expect((await rejection(notifications.verify(body, headers))).code).to.equal('ERR_DECRYPT');
        }
      });

      it('refuses an unknown algorithm with ERR_ALGORITHM, and a body that is no callback with ERR_NOTIFICATION', async () => {
        const { body, headers } = await sandbox.notification({ ...EVENT, algorithm: 'AEAD_AES_128_GCM' });
        expect((await rejection(notifications.verify(body, headers))).code).to.equal('ERR_ALGORITHM');
        const noResource = resigned(await sandbox.notification(EVENT), (envelope) => { delete envelope.resource; });
        expect((await rejection(notifications.verify(noResource.body, noResource.headers))).code).to.equal('ERR_NOTIFICATION');
      });

      it('refuses a parsed body: only raw bytes can be verified', async () => {
        const { body, headers } = await sandbox.notification(EVENT);
        const error = await rejection(notifications.verify(JSON.parse(body), headers));
        expect(error.code).to.equal('ERR_ARGUMENT');
      });
    });
  }

  describe('configuration, replies and secrets', () => {
    const sandbox = new Sandbox({ keys: sharedKeys() });
    const { certs } = sandbox.clientConfig();

    it('wants a 32-byte APIv3 key and at least one WeChat Pay key, failing with ERR_CONFIG', () => {
      for (const apiv3Key of ['short', 'x'.repeat(33), Buffer.alloc(16), undefined]) {
        expect(() => new Notifications({ apiv3Key: apiv3Key as string, certs }), String(apiv3Key)).to.throw(WechatpayError).with.property('code', 'ERR_CONFIG');
      }
      expect(() => new Notifications({ apiv3Key: sandbox.apiv3Key, certs: {} })).to.throw(WechatpayError).with.property('code', 'ERR_CONFIG');
      expect(() => new Notifications({ apiv3Key: sandbox.apiv3Key, certs: { X: 'not a key' } })).to.throw(WechatpayError).with.property('code', 'ERR_CONFIG');
    });

    it('makes the two replies WeChat Pay expects', () => {
      expect(Notifications.success()).to.deep.equal({ status: 204, headers: {}, body: '' });
      expect(Notifications.failure('busy')).to.deep.equal({ status: 500, headers: { 'Content-Type': 'application/json' }, body: '{"code":"FAIL","message":"busy"}' });
      expect(Notifications.failure('bad', 400).status).to.equal(400);
      expect(() => Notifications.failure('ok?', 200)).to.throw(WechatpayError).with.property('code', 'ERR_ARGUMENT');
    });

    it('never shows the APIv3 key: not in inspect or JSON of the verifier, nor in any error it raises', async () => {
      const secret = sandbox.apiv3Key;
      const notifications = new Notifications({ apiv3Key: secret, certs });
      expect(exposed(notifications)).not.to.include(secret);
      const errors: unknown[] = [];
      const wrongKey = `${secret.slice(0, 31)}#`;
      try {
        new Notifications({ apiv3Key: `${secret}!`, certs });
      } catch (error) {
        errors.push(error);
      }
      const encrypted = await sandbox.notification(EVENT);
      errors.push(await rejection(new Notifications({ apiv3Key: wrongKey, certs }).verify(encrypted.body, encrypted.headers)));
      const stale = await sandbox.notification(EVENT, { faults: ['stale-timestamp'] });
      errors.push(await rejection(notifications.verify(stale.body, stale.headers)));
      const other = await sandbox.notification(EVENT, { apiv3Key: wrongKey });
      errors.push(await rejection(notifications.verify(other.body, other.headers)));
      expect(errors).to.have.length(4);
      const privateKeyBody = sandbox.merchant.privateKey.split('\n')[5]!;
      for (const error of errors) {
        const shown = exposed(error);
        expect(shown).not.to.include(secret);
        expect(shown).not.to.include(wrongKey);
        expect(shown).not.to.include(privateKeyBody);
      }
    });
  });

  describe('as a request handler', () => {
    const sandbox = new Sandbox({ keys: sharedKeys() });
    const notifications = new Notifications({ apiv3Key: sandbox.apiv3Key, certs: sandbox.clientConfig().certs });
    let server: Server;
    let url: string;
    let route: (req: IncomingMessage, res: ServerResponse) => void;

    before(async () => {
      server = createServer((req, res) => route(req, res));
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    });
    after(() => new Promise<void>((done) => server.close(() => done())));

    const post = async ({ body, headers }: SandboxNotification) => {
      const response = await fetch(url, { method: 'POST', body, headers });
      return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
    };

    it('serves a plain node:http server: 204 once handled, FAIL with 401 when verification fails, 500 when onEvent throws', async () => {
      const seen: NotificationEvent[] = [];
      const errors: unknown[] = [];
      let throwing = false;
      route = notifications.handler((event) => {
        if (throwing) throw new Error('database down');
        seen.push(event);
      }, { onError: (error) => errors.push(error) });

      expect(await post(await sandbox.notification(EVENT))).to.deep.include({ status: 204, text: '' });
      expect(seen.map((event) => event.resource)).to.deep.equal([EVENT.resource]);

      const tampered = await sandbox.notification(EVENT, { faults: ['tamper-body'] });
      const rejected = await post(tampered);
      expect(rejected.status).to.equal(401);
      expect(rejected.type).to.equal('application/json');
      expect(JSON.parse(rejected.text)).to.deep.equal({ code: 'FAIL', message: 'callback rejected: ERR_RESPONSE_SIGNATURE' });

      const undecryptable = await post(await sandbox.notification(EVENT, { apiv3Key: 'B'.repeat(32) }));
      expect(undecryptable.status).to.equal(400);
      expect(JSON.parse(undecryptable.text)).to.include({ code: 'FAIL' });

      throwing = true;
      const failed = await post(await sandbox.notification(EVENT));
      expect(failed.status).to.equal(500);
      expect(JSON.parse(failed.text)).to.deep.equal({ code: 'FAIL', message: 'the merchant could not process the callback' });
      expect(failed.text).not.to.include('database down');
      expect(errors.map((error) => (error as { code?: string }).code ?? (error as Error).message)).to.deep.equal(['ERR_RESPONSE_SIGNATURE', 'ERR_DECRYPT', 'database down']);
      expect(seen).to.have.length(1);
    });

    /** What `express.raw({ type: 'application/json' })` and `express.json()` leave on `req.body`, without Express. */
    const middleware = (parse: (raw: Buffer) => unknown) => (handler: (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => unknown) =>
      (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
          req.body = parse(Buffer.concat(chunks));
          handler(req, res);
        });
      };

    it('serves an Express-style app behind a raw body parser (req.body a Buffer, stream consumed)', async () => {
      const seen: NotificationEvent[] = [];
      route = middleware((raw) => raw)(notifications.handler((event) => { seen.push(event); }));
      expect((await post(await sandbox.notification(EVENT))).status).to.equal(204);
      expect(seen[0]!.resource).to.deep.equal(EVENT.resource);
      expect((await post(await sandbox.notification(EVENT, { faults: ['probe-signature'] }))).status).to.equal(401);
    });

    it('answers 500 FAIL, and reports ERR_ARGUMENT, when a JSON body parser ran first', async () => {
      const errors: unknown[] = [];
      route = middleware((raw) => JSON.parse(raw.toString()))(notifications.handler(() => expect.fail('must not be called'), { onError: (error) => errors.push(error) }));
      const answer = await post(await sandbox.notification(EVENT));
      expect(answer.status).to.equal(500);
      expect(JSON.parse(answer.text)).to.deep.equal({ code: 'FAIL', message: 'callback rejected: ERR_ARGUMENT' });
      expect((errors[0] as WechatpayError).message).to.include('express.raw');
    });
  });
});
