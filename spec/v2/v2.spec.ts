import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Builder, Notifications, Hash, VerificationError } from '../../lib/index.js';
import { SandboxV2 } from '../../lib/testing/index.js';
import { signOf } from '../../lib/v2/sign.js';
import { parseXml } from '../../lib/v2/xml.js';
import { SIGNLESS_V2 } from '../../lib/v2/signless.js';
import { rejection } from '../support/rejection.js';

const KEY = '192006250b4c09247ec02edce69f6a2d';
const BASE = 'https://api.mch.weixin.qq.com/';


describe('APIv2: sign (official documented vector)', () => {
  const fields = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
  it('MD5 and HMAC-SHA256 match the documented values', () => {
    expect(signOf('MD5', fields, KEY)).to.equal('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(signOf('HMAC-SHA256', fields, KEY)).to.equal('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
    expect(Hash.sign('MD5', 'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA', KEY)).to.equal('9A0A8659F005D6984697E2CA0A9CF3B7');
  });
  it('empty fields and sign itself are left out', () => {
    expect(signOf('MD5', { ...fields, sign: 'X', detail: '' }, KEY)).to.equal('9A0A8659F005D6984697E2CA0A9CF3B7');
  });
});

describe('APIv2: XML refuses XXE', () => {
  const cases = {
    doctype: '<?xml version="1.0"?><!DOCTYPE xml><xml><a>1</a></xml>',
    external: '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><a>&x;</a></xml>',
    laughs: '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><a>&lol2;</a></xml>',
    undeclared: '<xml><a>&foo;</a></xml>',
    malformed: '<xml><a>1</a>',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`${name} → ERR_RESPONSE_XML`, () => {
      expect(() => parseXml(text)).to.throw().with.property('code', 'ERR_RESPONSE_XML');
    });
  }
  it('CDATA, predefined and numeric entities are read', () => {
    expect(parseXml('<xml><a><![CDATA[x<y]]></a><b>1 &amp; &#20013;</b></xml>')).to.deep.equal(Object.assign(Object.create(null), { a: 'x<y', b: '1 & 中' }));
  });
});

describe('APIv2: client against the sandbox (127.0.0.1, HTTP)', () => {
  const sandbox = new SandboxV2();
  let url = '';
  let close: () => Promise<void>;
  before(async () => ({ url, close } = await sandbox.listen()));
  after(() => close());

  const common = <T extends object>(more: T) => ({ appid: sandbox.appid, mch_id: sandbox.mchid, body: 'test', spbill_create_ip: '127.0.0.1', ...more });

  for (const sign_type of ['MD5', 'HMAC-SHA256'] as const) {
    it(`micropay USERPAYING, then orderquery SUCCESS (${sign_type})`, async () => {
      const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: url }));
      const out_trade_no = `T${sign_type}${Date.now()}`;
      const error = await rejection(wxpay.v2.pay.micropay.post({ xml: common({ out_trade_no, total_fee: 1, auth_code: '139900000000000000', sign_type }) }));
      expect(error.name).to.equal('ApiError');
      expect(error.code).to.equal('USERPAYING');
      const { data } = await wxpay.v2.pay.orderquery.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, out_trade_no, sign_type } });
      expect(data.trade_state).to.equal('SUCCESS');
      expect(data.total_fee).to.equal('1');
    });
  }

  it('unifiedorder, pay callback delivered and verified by handlerV2, closeorder then ORDERPAID, downloadbill text and gzip', async () => {
    const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: url }));
    const notifications = new Notifications({ secret: sandbox.secret });
    const received: Record<string, unknown>[] = [];
    const { createServer } = await import('node:http');
    const hook = createServer(notifications.handlerV2((fields) => void received.push(fields)));
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const notify_url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/notify`;
    try {
      const out_trade_no = `U${Date.now()}`;
      const { data } = await wxpay.chain('v2/pay/unifiedorder').post({ xml: common({ out_trade_no, total_fee: 100, notify_url, trade_type: 'NATIVE' }) });
      expect(data.code_url).to.match(/^weixin:\/\//);
      const delivery = await sandbox.pay(out_trade_no);
      expect(delivery?.status).to.equal(200);
      expect(delivery?.reply).to.include('SUCCESS');
      expect(received[0]).to.include({ out_trade_no, total_fee: '100' });
      const closed = await rejection(wxpay.v2.pay.closeorder.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, out_trade_no } }));
      expect(closed.code).to.equal('ORDERPAID');
      const bill_date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
      const text = await wxpay.v2.pay.downloadbill.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, bill_date, bill_type: 'ALL' } });
      expect(text.data).to.be.a('string').and.include(`\`${out_trade_no}`);
      const gz = await wxpay.v2.pay.downloadbill.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, bill_date, bill_type: 'ALL', tar_type: 'GZIP' } });
      expect(Buffer.isBuffer(gz.data)).to.equal(true);
      const none = await rejection(wxpay.v2.pay.downloadbill.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, bill_date: '20000101' } }));
      expect(none.name).to.equal('ApiError');
      expect(none.code).to.equal('FAIL');
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it('a wrong APIv2 key is refused by the server (签名错误 → ApiError)', async () => {
    const wxpay = Builder.factory({ ...sandbox.clientConfig({ baseURL: url }), secret: 'wrong-key-wrong-key-wrong-key-00' });
    const error = await rejection(wxpay.v2.pay.orderquery.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, out_trade_no: 'x' } }));
    expect(error.name).to.equal('ApiError');
    expect(error.message).to.equal('签名错误');
  });

  it('refund over plain HTTP (no client certificate) is refused by the server', async () => {
    const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: url }));
    const error = await rejection(wxpay.v2.secapi.pay.refund.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, out_trade_no: 'x', out_refund_no: 'r', total_fee: 1, refund_fee: 1 } }));
    expect(error.code).to.equal('FAIL');
    expect(error.message).to.equal('CERT_REQUIRED');
  });
});

describe('APIv2: refused before sending, v2-only clients', () => {
  const server = setupServer();
  before(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  after(() => server.close());

  it('a v2-only client builds without v3 keys; a v3 call is ERR_CONFIG and nothing is sent', async () => {
    const wxpay = Builder.factory({ mchid: '1900000109', secret: KEY });
    const error = await rejection(wxpay.v3.certificates.get());
    expect(error.code).to.equal('ERR_CONFIG');
    expect(() => wxpay.encrypt('x')).to.throw().with.property('code', 'ERR_CONFIG');
  });

  it('never shows the APIv2 key: not in the client, its errors, or a signed request\'s options', async () => {
    const { inspect } = await import('node:util');
    const wxpay = Builder.factory({ mchid: '1900000109', secret: KEY });
    expect(inspect(wxpay, { depth: 5, showHidden: true })).not.to.include(KEY);
    const sent: string[] = [];
    server.use(http.post(`${BASE}*`, async ({ request }) => {
      sent.push(await request.text());
      return new HttpResponse('<xml><return_code>FAIL</return_code><return_msg>签名错误</return_msg></xml>');
    }));
    const error = await rejection(wxpay.v2.pay.orderquery.post({ xml: { appid: 'wxd930ea5d5a258f4f', mch_id: '1900000109', out_trade_no: 'x' } }));
    expect(error.name).to.equal('ApiError');
    for (const text of [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error.stack), sent[0]!]) expect(text).not.to.include(KEY);
    expect(sent[0]).to.match(/<sign>[0-9A-F]{32}<\/sign>/);
  });

  it('GET sends the signed fields as the query; nonceless leaves nonce_str out; the HTML page comes back as text', async () => {
    const wxpay = Builder.factory({ mchid: '1900000109', secret: KEY });
    const urls: URL[] = [];
    server.use(http.get(`${BASE}papay/entrustweb`, ({ request }) => {
      urls.push(new URL(request.url));
      return new HttpResponse('<html>sign the contract</html>', { headers: { 'Content-Type': 'text/html' } });
    }));
    const query = { appid: 'wxd930ea5d5a258f4f', mch_id: '1900000109', plan_id: 12535, contract_code: '100000', request_serial: 1000, contract_display_account: '微信代扣', notify_url: 'https://example.com/n', version: '1.0', timestamp: '1414488825' };
    const { data } = await wxpay.v2.papay.entrustweb.get({ query, nonceless: true });
    expect(data).to.equal('<html>sign the contract</html>');
    const sent = Object.fromEntries(urls[0]!.searchParams);
    expect(sent).not.to.have.property('nonce_str');
    expect(sent.sign).to.equal(signOf('MD5', query, KEY));
    await wxpay.v2.papay.entrustweb.get({ query });
    expect(urls[1]!.searchParams.get('nonce_str')).to.match(/^[0-9A-Za-z]{32}$/);
  });

  it('mch_id other than mchid → ERR_CONFIG; security without merchant → ERR_CONFIG, not a boolean → ERR_OPTIONS; json on v2 and xml on v3 → ERR_OPTIONS', async () => {
    const wxpay = Builder.factory({ mchid: '1900000109', secret: KEY });
    expect((await rejection(wxpay.v2.pay.orderquery.post({ xml: { appid: 'wxd930ea5d5a258f4f', mch_id: '1900000110', out_trade_no: 'x' } }))).code).to.equal('ERR_CONFIG');
    const refund = { appid: 'wxd930ea5d5a258f4f', mch_id: '1900000109', out_trade_no: 'x', out_refund_no: 'r', total_fee: 1, refund_fee: 1 };
    const security = await rejection(wxpay.v2.secapi.pay.refund.post({ xml: refund, security: true }));
    expect(security.code).to.equal('ERR_CONFIG');
    expect(security.message).to.include('merchant');
    // A truthy string is not `true`: it would otherwise send without the certificate the caller meant.
    // @ts-expect-error security is a boolean
    const loose = await rejection(wxpay.v2.secapi.pay.refund.post({ xml: refund, security: 'yes' }));
    expect([loose.code, loose.message]).to.deep.equal(['ERR_OPTIONS', '"security" must be true or false']);
    // @ts-expect-error APIv2 calls take xml, not json
    expect((await rejection(wxpay.v2.pay.orderquery.post({ json: {} }))).code).to.equal('ERR_OPTIONS');
    // @ts-expect-error sign_type is MD5 or HMAC-SHA256
    expect((await rejection(wxpay.v2.pay.orderquery.post({ xml: { appid: 'wxd930ea5d5a258f4f', mch_id: '1900000109', out_trade_no: 'x', sign_type: 'SHA1' } }))).code).to.equal('ERR_OPTIONS');
    const v3 = Builder.factory({ mchid: '1900000109', secret: KEY });
    // @ts-expect-error APIv3 calls take json, not xml
    expect((await rejection(v3.v3.certificates.get({ xml: {} }))).code).to.be.oneOf(['ERR_CONFIG', 'ERR_OPTIONS']);
  });

  it('an upload is refused before anything is sent: on an operation without one, on GET, with a field the client computes, without mch_id, with an empty file', async () => {
    const wxpay = Builder.factory({ mchid: '1900000109', secret: KEY });
    const upload = { filename: 'id.png', data: Buffer.from('not empty') };
    // @ts-expect-error orderquery takes no upload
    const other = await rejection(wxpay.v2.pay.orderquery.post({ xml: { appid: 'wxd930ea5d5a258f4f', mch_id: '1900000109', out_trade_no: 'x' }, upload }));
    expect([other.code, other.message]).to.deep.equal(['ERR_OPTIONS', 'v2/pay/orderquery takes no "upload"']);
    // @ts-expect-error a GET sends no upload
    expect((await rejection(wxpay.v2.papay.entrustweb.get({ query: { appid: 'wx' }, upload }))).code).to.equal('ERR_OPTIONS');
    for (const computed of ['media_hash', 'sign', 'nonce_str']) {
      const given = await rejection(wxpay.chain('v2/secapi/mch/uploadmedia').post({ upload, xml: { [computed]: 'x' } }));
      expect(given.code).to.equal('ERR_OPTIONS');
      expect(given.message).to.include(`xml "${computed}"`);
    }
    // @ts-expect-error an APIv2 upload's text fields go in xml
    const asFields = await rejection(wxpay.v2.secapi.mch.uploadmedia.post({ upload: { ...upload, fields: { mch_id: '1900000109' } } }));
    expect([asFields.code, asFields.message]).to.deep.equal(['ERR_OPTIONS', 'an APIv2 upload\'s text fields go in "xml", not "upload.fields"']);
    // @ts-expect-error an APIv2 upload has no meta
    const asMeta = await rejection(wxpay.v2.secapi.mch.uploadmedia.post({ upload: { ...upload, meta: { mch_id: '1900000109' } } }));
    expect([asMeta.code, asMeta.message]).to.deep.equal(['ERR_OPTIONS', 'an APIv2 upload has no "upload.meta": its text fields go in "xml"']);
    const untyped: string = 'v2/secapi/mch/uploadmedia';
    const untypedMeta = await rejection(wxpay.chain(untyped).post({ upload: { ...upload, meta: { a: 1 } } }));
    expect(untypedMeta.code).to.equal('ERR_OPTIONS');
    const without = await rejection(Builder.factory({ secret: KEY }).v2.secapi.mch.uploadmedia.post({ upload }));
    expect([without.code, without.message]).to.deep.equal(['ERR_OPTIONS', 'v2/secapi/mch/uploadmedia needs "mch_id": set config.mchid or give xml.mch_id']);
    expect((await rejection(wxpay.v2.secapi.mch.uploadmedia.post({ upload, xml: { mch_id: '1900000110' } }))).code).to.equal('ERR_CONFIG');
    // @ts-expect-error sign_type is MD5 or HMAC-SHA256
    expect((await rejection(wxpay.v2.secapi.mch.uploadmedia.post({ upload, xml: { sign_type: 'SHA1' } }))).code).to.equal('ERR_OPTIONS');
    // The file is read as the request goes out: an empty one fails there, before a byte is sent.
    const empty = await rejection(wxpay.v2.secapi.mch.uploadmedia.post({ upload: { filename: 'id.png', data: Buffer.alloc(0) } }));
    expect([empty.code, empty.message]).to.deep.equal(['ERR_UPLOAD', '"upload.data" is empty']);
  });

  function answering(xml: string | Buffer, type = 'text/xml') {
    server.use(http.post(`${BASE}*`, () => new HttpResponse(typeof xml === 'string' ? xml : new Uint8Array(xml), { headers: { 'Content-Type': type } })));
  }
  const signed = (fields: Record<string, string>, key = KEY) => `<xml>${Object.entries({ ...fields, sign: signOf('MD5', fields, key) }).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</xml>`;

  it('an upload retried (POST listed in retry.methods) sends the same signed form again, the file read once', async () => {
    const wxpay = Builder.factory({ mchid: '1900000109', secret: KEY });
    const sent: Record<string, string>[] = [];
    server.use(http.post(`${BASE}secapi/mch/uploadmedia`, async ({ request }) => {
      const form = await request.formData();
      const media = form.get('media') as File;
      sent.push({ ...Object.fromEntries([...form.entries()].filter(([, value]) => typeof value === 'string')) as Record<string, string>, media: Buffer.from(await media.arrayBuffer()).toString(), filename: media.name });
      if (sent.length === 1) return new HttpResponse('busy', { status: 503 });
      return new HttpResponse(signed({ return_code: 'SUCCESS', appid: 'wxd930ea5d5a258f4f', mch_id: '1900000109', nonce_str: 'n', result_code: 'SUCCESS', media_id: 'M1' }), { headers: { 'Content-Type': 'text/xml' } });
    }));
    let reads = 0;
    const data = Readable.from((function* () {
      reads += 1;
      yield Buffer.from('image bytes');
    })());
    const { data: answer } = await wxpay.v2.secapi.mch.uploadmedia.post({ upload: { filename: 'id.png', data }, retry: { methods: ['POST'], minDelay: 1 } });
    expect(answer.media_id).to.equal('M1');
    expect(reads).to.equal(1);
    expect(sent).to.have.length(2);
    expect(sent[1]).to.deep.equal(sent[0]);
    const { sign, media, filename, ...fields } = sent[0]!;
    expect([media, filename]).to.deep.equal(['image bytes', 'id.png']);
    expect(fields).to.deep.equal({ mch_id: '1900000109', sign_type: 'MD5', media_hash: createHash('md5').update('image bytes').digest('hex') });
    expect(sign).to.equal(signOf('MD5', fields, KEY));
  });

  it('answers: good sign accepted; wrong, missing sign → ERR_RESPONSE_SIGNATURE; DOCTYPE → ERR_RESPONSE_XML; result FAIL → ApiError with err_code', async () => {
    const wxpay = Builder.factory({ mchid: '1900000109', secret: KEY });
    const call = () => wxpay.v2.pay.orderquery.post({ xml: { appid: 'wxd930ea5d5a258f4f', mch_id: '1900000109', out_trade_no: 'x' } });
    answering(signed({ return_code: 'SUCCESS', result_code: 'SUCCESS', trade_state: 'SUCCESS' }));
    expect((await call()).data.trade_state).to.equal('SUCCESS');
    answering(signed({ return_code: 'SUCCESS', result_code: 'SUCCESS' }, 'another-key'));
    expect((await rejection(call())).code).to.equal('ERR_RESPONSE_SIGNATURE');
    answering('<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code></xml>');
    expect((await rejection(call())).code).to.equal('ERR_RESPONSE_SIGNATURE');
    answering('<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><return_code>&x;</return_code></xml>');
    expect((await rejection(call())).code).to.equal('ERR_RESPONSE_XML');
    answering(signed({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'ORDERNOTEXIST', err_code_des: 'no order' }));
    const failed = await rejection(call());
    expect(failed).to.include({ name: 'ApiError', code: 'ORDERNOTEXIST', message: 'no order' });
    expect(failed.detail.err_code).to.equal('ORDERNOTEXIST');
  });

  it('signless: sendredpack answer without sign accepted; a gzip bill comes as bytes', async () => {
    const redpack = { mch_billno: 'B1', mch_id: '1900000109', wxappid: 'wxd930ea5d5a258f4f', send_name: 's', re_openid: 'o', total_amount: 100, total_num: 1, wishing: 'w', client_ip: '127.0.0.1', act_name: 'a', remark: 'r' };
    expect(SIGNLESS_V2).to.include('v2/mmpaymkttransfers/sendredpack');
    const wxpay = Builder.factory({ mchid: '1900000109', secret: KEY });
    answering('<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code><send_listid>1</send_listid></xml>');
    expect((await wxpay.v2.mmpaymkttransfers.sendredpack.post({ xml: redpack })).data.send_listid).to.equal('1');
    server.use(http.get(`${BASE}appauth/getaccesstoken`, () => HttpResponse.json({ retcode: '0', access_token: 't' })));
    const query = { mch_id: '1900000109', appid: 'wxd930ea5d5a258f4f', openid: 'o', code: 'c', grant_type: 'authorization_code', scope: 'pay_identity', sign_type: 'HMAC-SHA256' } as const;
    expect((await wxpay.v2.appauth.getaccesstoken.get({ query, nonceless: true })).data).to.deep.equal({ retcode: '0', access_token: 't' });
    const gz = gzipSync('a,b\r\n');
    answering(gz, 'application/x-gzip');
    expect((await wxpay.v2.pay.downloadbill.post({ xml: { appid: 'wxd930ea5d5a258f4f', mch_id: '1900000109', bill_date: '20260101', tar_type: 'GZIP' } })).data).to.deep.equal(gz);
  });
});

describe('APIv2: callbacks (notifications.v2)', () => {
  const sandbox = new SandboxV2();
  const notifications = new Notifications({ secret: sandbox.secret });
  before(() => {
    sandbox.state.orders.set('N1', { appid: sandbox.appid, out_trade_no: 'N1', transaction_id: '4200001', body: 'b', total_fee: 5, trade_type: 'JSAPI', trade_state: 'SUCCESS', openid: 'o', sign_type: 'HMAC-SHA256', paid_at: new Date() });
    sandbox.state.refunds.set('R1', { out_refund_no: 'R1', refund_id: '50001', out_trade_no: 'N1', refund_fee: 5, refund_status: 'SUCCESS', created_at: new Date(), succeeded_at: new Date() });
  });

  it('pay result: good sign read, bad sign ERR_NOTIFICATION (VerificationError)', () => {
    expect(notifications.v2(sandbox.payNotification('N1'))).to.include({ out_trade_no: 'N1', total_fee: '5' });
    expect(() => notifications.v2(sandbox.payNotification('N1', { secret: 'x'.repeat(32) }))).to.throw(VerificationError).with.property('code', 'ERR_NOTIFICATION');
  });

  it('refund result: req_info decrypted in place; wrong key ERR_DECRYPT', () => {
    const fields = notifications.v2<{ req_info: Record<string, string> }>(sandbox.refundNotification('R1'));
    expect(fields.req_info).to.include({ out_refund_no: 'R1', refund_status: 'SUCCESS', refund_fee: '5' });
    expect(() => notifications.v2(sandbox.refundNotification('R1', { secret: 'y'.repeat(32) }))).to.throw().with.property('code', 'ERR_DECRYPT');
  });

  it('without secret, v2() is ERR_CONFIG', () => {
    expect(() => new Notifications({ secret: '' })).to.throw().with.property('code', 'ERR_CONFIG');
  });
});
