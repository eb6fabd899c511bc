// The sandbox driven by a client that is not ours: a small signer on node:crypto and fetch that
// sends what wechatpay-php sends by default (Authorization, Accept, Content-Type, User-Agent) and
// nothing else: no Wechatpay-Serial unless it carries an encrypted field. It verifies every answer
// and callback itself. What other SDKs meet, our client's habits cannot hide here.
import { expect } from 'chai';
import { constants, createDecipheriv, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sandbox, type ListeningSandbox } from '../../lib/testing/index.js';
import { KEYS } from './support.js';

const APPID = 'wx1234567890abcdef';
const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** A WeChat Pay APIv3 client in forty lines, written from the protocol, not from our client. */
function foreignClient(base: string, mchid: string, serial: string, merchantKey: KeyObject, platformKey: KeyObject) {
  return async (method: string, target: string, body?: object, headers: Record<string, string> = {}): Promise<Answer> => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = sign('sha256', Buffer.from(`${method}\n/${target}\n${timestamp}\n${nonce}\n${text}\n`), merchantKey).toString('base64');
    const authorization = `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${serial}"`;
    const response = await fetch(new URL(target, base), {
      method,
      headers: { Authorization: authorization, Accept: 'application/json', 'User-Agent': 'foreign-sdk/1.0', ...(text ? { 'Content-Type': 'application/json' } : {}), ...headers },
      ...(text ? { body: text } : {}),
    });
    const answer = await response.text();
    if (response.ok && !target.startsWith('v3/billdownload/')) {
      // Every API answer is signed by the platform key: verify before reading.
      const message = `${response.headers.get('Wechatpay-Timestamp')}\n${response.headers.get('Wechatpay-Nonce')}\n${answer}\n`;
      expect(verify('sha256', Buffer.from(message), platformKey, Buffer.from(response.headers.get('Wechatpay-Signature') ?? '', 'base64')), `signature of ${method} ${target}`).to.equal(true);
    }
    return { status: response.status, headers: response.headers, text: answer, json: answer && /json/.test(response.headers.get('Content-Type') ?? '') ? JSON.parse(answer) : undefined };
  };
}

/** A merchant's callback endpoint, as a foreign SDK's user writes it: verify, decrypt (AES-256-GCM), answer 204. */
async function callbackReceiver(apiv3Key: string, platformKey: KeyObject) {
  const events: any[] = [];
  const waiting: ((event: any) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const message = `${req.headers['wechatpay-timestamp']}\n${req.headers['wechatpay-nonce']}\n${body}\n`;
      if (!verify('sha256', Buffer.from(message), platformKey, Buffer.from(String(req.headers['wechatpay-signature']), 'base64'))) {
        res.writeHead(401).end();
        return;
      }
      const { resource, ...envelope } = JSON.parse(body);
      const sealed = Buffer.from(resource.ciphertext, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiv3Key), Buffer.from(resource.nonce));
      decipher.setAAD(Buffer.from(resource.associated_data ?? ''));
      decipher.setAuthTag(sealed.subarray(-16));
      const event = { ...envelope, resource: JSON.parse(Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()]).toString('utf8')) };
      events.push(event);
      waiting.shift()?.(event);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    events,
    next: () => new Promise<any>((resolve) => waiting.push(resolve)),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('the sandbox with a client that is not ours (what wechatpay-php sends by default)', () => {
  const sandbox = new Sandbox({ keys: KEYS, refundDelay: null });
  const merchantKey = createPrivateKey(sandbox.merchant.privateKey);
  const platformKey = createPublicKey(sandbox.platform.publicKey);
  let listening: ListeningSandbox;
  let call: ReturnType<typeof foreignClient>;
  let receiver: Awaited<ReturnType<typeof callbackReceiver>>;
  const control = (path: string, body: object) => fetch(new URL(`sandbox/${path}`, listening.url), { method: 'POST', body: JSON.stringify(body) });
  const sealForPlatform = (text: string) => publicEncrypt({ key: platformKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(text)).toString('base64');
  let counter = 0;
  const number = (prefix: string) => `${prefix}${Date.now()}${(counter += 1)}`;

  before(async () => {
    listening = await sandbox.listen();
    call = foreignClient(listening.url, sandbox.mchid, sandbox.merchant.serial, merchantKey, platformKey);
    receiver = await callbackReceiver(sandbox.apiv3Key, platformKey);
  });
  after(async () => {
    await receiver.close();
    await listening.close();
  });

  it('runs the lifecycle without Wechatpay-Serial: JSAPI prepay, pay, callback, query, refund, refund query, trade bill and its download', async () => {
    const out_trade_no = number('FGN');
    const prepay = await call('POST', 'v3/pay/transactions/jsapi', {
      appid: APPID, mchid: sandbox.mchid, description: 'foreign', out_trade_no, notify_url: receiver.url, amount: { total: 300, currency: 'CNY' }, payer: { openid: OPENID },
    });
    expect(prepay.status, prepay.text).to.equal(200);
    expect(prepay.json.prepay_id).to.match(/^wx/);
    const native = await call('POST', 'v3/pay/transactions/native', { appid: APPID, mchid: sandbox.mchid, description: 'foreign', out_trade_no: number('FGQ'), notify_url: receiver.url, amount: { total: 1 } });
    expect(native.status, native.text).to.equal(200);

    const arrived = receiver.next();
    expect((await control('pay', { out_trade_no, trade_state: 'SUCCESS' })).status).to.equal(200);
    const event = await arrived;
    expect(event.event_type).to.equal('TRANSACTION.SUCCESS');
    expect(event.resource).to.include({ out_trade_no, trade_state: 'SUCCESS', mchid: sandbox.mchid });

    const query = await call('GET', `v3/pay/transactions/out-trade-no/${out_trade_no}?mchid=${sandbox.mchid}`);
    expect(query.status, query.text).to.equal(200);
    expect(query.json).to.include({ trade_state: 'SUCCESS', transaction_id: event.resource.transaction_id });

    const out_refund_no = number('FGR');
    const refund = await call('POST', 'v3/refund/domestic/refunds', { out_trade_no, out_refund_no, amount: { refund: 100, total: 300, currency: 'CNY' } });
    expect(refund.status, refund.text).to.equal(200);
    expect(refund.json).to.include({ out_refund_no, status: 'PROCESSING' });
    expect((await control('refund', { out_refund_no })).status).to.equal(200);
    const refunded = await call('GET', `v3/refund/domestic/refunds/${out_refund_no}`);
    expect(refunded.json).to.include({ out_refund_no, status: 'SUCCESS' });

    const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const bill = await call('GET', `v3/bill/tradebill?bill_date=${day}`);
    expect(bill.status, bill.text).to.equal(200);
    const download = await call('GET', new URL(bill.json.download_url).pathname.slice(1) + new URL(bill.json.download_url).search);
    expect(download.status).to.equal(200);
    expect(createHash('sha1').update(download.text).digest('hex')).to.equal(bill.json.hash_value);
    expect(download.text).to.include(out_trade_no);
  });

  it('serves a call without an encrypted field whether Wechatpay-Serial is sent or not', async () => {
    const order = () => ({ appid: APPID, mchid: sandbox.mchid, description: 'serial', out_trade_no: number('FGS'), notify_url: receiver.url, amount: { total: 1 } });
    expect((await call('POST', 'v3/pay/transactions/native', order(), { 'Wechatpay-Serial': sandbox.platform.id })).status).to.equal(200);
    expect((await call('POST', 'v3/pay/transactions/native', order())).status).to.equal(200);
  });

  it('reads an encrypted query field the same way: sealed under the named key, or 400 naming it', async () => {
    const target = (real_name: string) => `v3/gov/subsidy/qualification?appliance_id=1&qualification_region_code=110000&real_name=${encodeURIComponent(real_name)}`;
    const serial = { 'Wechatpay-Serial': sandbox.platform.id };
    const served = await call('GET', target(sealForPlatform('张三')), undefined, serial);
    expect(served.status, served.text).to.equal(200);
    const unnamed = await call('GET', target(sealForPlatform('张三')));
    expect(unnamed.json).to.deep.include({ code: 'PARAM_ERROR', detail: { field: 'Wechatpay-Serial', location: 'header' } });
    const clear = await call('GET', target('张三'), undefined, serial);
    expect(clear.json).to.deep.include({ code: 'PARAM_ERROR', detail: { field: 'real_name', location: 'query' } });
  });

  describe('a transfer with an encrypted user_name', () => {
    const transfer = (user_name: string) => ({
      appid: APPID, out_bill_no: number('FGT'), transfer_scene_id: '1000', openid: OPENID, user_name, transfer_amount: 500, transfer_remark: 'bonus',
      transfer_scene_report_infos: [{ info_type: '活动名称', info_content: 'sandbox' }],
    });
    const post = (body: object, headers?: Record<string, string>) => call('POST', 'v3/fund-app/mch-transfer/transfer-bills', body, headers);

    before(async () => {
      // Money to transfer: one paid order.
      const out_trade_no = number('FGF');
      await call('POST', 'v3/pay/transactions/native', { appid: APPID, mchid: sandbox.mchid, description: 'funds', out_trade_no, notify_url: receiver.url, amount: { total: 10_000 } });
      expect((await control('pay', { out_trade_no })).status).to.equal(200);
    });

    it('is paid when Wechatpay-Serial names the platform key, and the query answers user_name sealed for the merchant', async () => {
      const body = transfer(sealForPlatform('张三'));
      const created = await post(body, { 'Wechatpay-Serial': sandbox.platform.id });
      expect(created.status, created.text).to.equal(200);
      expect(created.json.state).to.equal('WAIT_USER_CONFIRM');
      const queried = await call('GET', `v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${body.out_bill_no}`);
      const opened = privateDecrypt({ key: merchantKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(queried.json.user_name, 'base64'));
      expect(opened.toString('utf8')).to.equal('张三');
    });

    it('needs Wechatpay-Serial: 400 PARAM_ERROR naming the header when it is missing or names another key', async () => {
      const missing = await post(transfer(sealForPlatform('张三')));
      expect(missing.status).to.equal(400);
      expect(missing.json).to.deep.include({ code: 'PARAM_ERROR', detail: { field: 'Wechatpay-Serial', location: 'header' } });
      const other = await post(transfer(sealForPlatform('张三')), { 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000000000000000000000' });
      expect(other.status).to.equal(400);
      expect(other.json.detail).to.deep.equal({ field: 'Wechatpay-Serial', location: 'header' });
    });

    it('refuses a user_name that is not a ciphertext under that key: clear text, or sealed for another key', async () => {
      const clear = await post(transfer('张三'), { 'Wechatpay-Serial': sandbox.platform.id });
      expect(clear.status).to.equal(400);
      expect(clear.json).to.deep.include({ code: 'PARAM_ERROR', detail: { field: 'user_name', location: 'body' } });
      const elsewhere = publicEncrypt({ key: createPublicKey(merchantKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('张三')).toString('base64');
      const wrongKey = await post(transfer(elsewhere), { 'Wechatpay-Serial': sandbox.platform.id });
      expect(wrongKey.status).to.equal(400);
      expect(wrongKey.json.detail).to.deep.equal({ field: 'user_name', location: 'body' });
    });
  });
});
