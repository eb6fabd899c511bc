// One Sandbox serves APIv3 and APIv2 side by side: over a 127.0.0.1 server and through msw.
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { setupServer } from 'msw/node';
import { Builder, Notifications } from '../../../lib/index.js';
import { Sandbox, SandboxV2 } from '../../../lib/testing/index.js';
import { rejection } from '../../support/rejection.js';


async function hookServer(listener: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/notify` };
}

describe('Sandbox: APIv2 beside APIv3', () => {
  it('one listen() serves a v3 call and the v2 micropay → USERPAYING → orderquery lifecycle to one client', async () => {
    const sandbox = new Sandbox();
    const { url, close } = await sandbox.listen();
    try {
      const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: url }));
      const v3 = await wxpay.v3.pay.transactions.native.post({
        json: { appid: 'wxd678efh567hg6787', mchid: sandbox.mchid, description: 'd', out_trade_no: 'V3-ORDER-1', notify_url: 'https://example.com/n', amount: { total: 1 } },
      });
      expect(v3.data.code_url).to.match(/^weixin:\/\//);
      const xml = { appid: sandbox.v2.appid, mch_id: sandbox.mchid, body: 'b', out_trade_no: 'V2-1', total_fee: 1, spbill_create_ip: '127.0.0.1', auth_code: '139900000000000000' };
      const paying = await rejection(wxpay.v2.pay.micropay.post({ xml }));
      expect(paying).to.include({ name: 'ApiError', code: 'USERPAYING' });
      const { data } = await wxpay.v2.pay.orderquery.post({ xml: { appid: sandbox.v2.appid, mch_id: sandbox.mchid, out_trade_no: 'V2-1' } });
      expect(data).to.include({ trade_state: 'SUCCESS', out_trade_no: 'V2-1', total_fee: '1' });
      // A refund needs mutual TLS, which a plain HTTP listen() cannot give: the server refuses it.
      const refund = await rejection(wxpay.v2.secapi.pay.refund.post({ xml: { appid: sandbox.v2.appid, mch_id: sandbox.mchid, out_trade_no: 'V2-1', out_refund_no: 'R-1', total_fee: 1, refund_fee: 1 } }));
      expect(refund).to.include({ name: 'ApiError', message: 'CERT_REQUIRED' });
    } finally {
      await close();
    }
  });

  it('msw handlers (onUnhandledRequest: error) answer v2 calls in-process, signed with HMAC-SHA256 when asked', async () => {
    const sandbox = new Sandbox();
    const server = setupServer(...sandbox.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const wxpay = Builder.factory(sandbox.clientConfig());
      const notify_url = 'http://127.0.0.1:9/notify';
      const { data } = await wxpay.v2.pay.unifiedorder.post({
        xml: { appid: sandbox.v2.appid, mch_id: sandbox.mchid, body: 'b', out_trade_no: 'MSW-1', total_fee: 5, spbill_create_ip: '127.0.0.1', notify_url, trade_type: 'NATIVE', sign_type: 'HMAC-SHA256' },
      });
      expect(data.code_url).to.match(/^weixin:\/\//);
      const wrong = Builder.factory({ ...sandbox.clientConfig(), secret: 'another-apiv2-key-another-apiv2k' });
      const refused = await rejection(wrong.v2.pay.orderquery.post({ xml: { appid: sandbox.v2.appid, mch_id: sandbox.mchid, out_trade_no: 'MSW-1' } }));
      expect(refused).to.include({ name: 'ApiError', message: '签名错误' });
      // The media upload's form is read in-process too: its sign is checked (a wrong key fails
      // there), then the certificate in-process cannot show.
      const upload = { filename: 'id.png', data: Buffer.from('image bytes') };
      expect(await rejection(wrong.v2.secapi.mch.uploadmedia.post({ upload }))).to.include({ name: 'ApiError', message: '签名错误' });
      expect(await rejection(wxpay.v2.secapi.mch.uploadmedia.post({ upload, xml: { sign_type: 'HMAC-SHA256' } }))).to.include({ name: 'ApiError', message: 'CERT_REQUIRED' });
    } finally {
      server.close();
    }
  });
});

describe('SandboxV2 on its own', () => {
  it('its msw handlers serve a v2-only client; a v3 path there is a 404 FAIL, never answered as v3', async () => {
    const sandbox = new SandboxV2();
    const server = setupServer(...sandbox.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const wxpay = Builder.factory(sandbox.clientConfig());
      const closed = await rejection(wxpay.v2.pay.closeorder.post({ xml: { appid: sandbox.appid, mch_id: sandbox.mchid, out_trade_no: 'NONE-1' } }));
      expect(closed).to.include({ name: 'ApiError', code: 'ORDERNOTEXIST' });
      const response = await fetch(`${sandbox.baseURL}v3/certificates`);
      expect(response.status).to.equal(404);
      expect(await response.text()).to.include('FAIL');
    } finally {
      server.close();
    }
  });
});

describe('Notifications.handlerV2 replies', () => {
  const sandbox = new Sandbox();
  const notifications = new Notifications({ secret: sandbox.v2.secret });
  before(() => {
    sandbox.v2.state.orders.set('H1', { appid: sandbox.v2.appid, out_trade_no: 'H1', transaction_id: '4200009', body: 'b', total_fee: 7, trade_type: 'JSAPI', trade_state: 'SUCCESS', openid: 'o', sign_type: 'MD5', paid_at: new Date() });
    sandbox.v2.state.refunds.set('HR1', { out_refund_no: 'HR1', refund_id: '50009', out_trade_no: 'H1', refund_fee: 7, refund_status: 'SUCCESS', created_at: new Date(), succeeded_at: new Date() });
  });
  const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body }).then(async (response) => ({ status: response.status, text: await response.text() }));

  it('SUCCESS for a good pay result and a decryptable refund result; onEvent sees the fields', async () => {
    const seen: Record<string, unknown>[] = [];
    const { server, url } = await hookServer(notifications.handlerV2((fields) => void seen.push(fields)));
    try {
      const paid = await post(url, sandbox.v2.payNotification('H1'));
      expect(paid.status).to.equal(200);
      expect(paid.text).to.equal('<xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg></xml>');
      const refunded = await post(url, sandbox.v2.refundNotification('HR1'));
      expect(refunded.status).to.equal(200);
      expect(seen[0]).to.include({ out_trade_no: 'H1', total_fee: '7' });
      expect(seen[1]!.req_info).to.include({ out_refund_no: 'HR1', refund_status: 'SUCCESS' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sandbox.v2.completeRefund delivers a refund result that handlerV2 decrypts, and the sandbox records the SUCCESS reply', async () => {
    const seen: Record<string, unknown>[] = [];
    const { server, url } = await hookServer(notifications.handlerV2((fields) => void seen.push(fields)));
    try {
      sandbox.v2.state.refunds.set('HR2', { out_refund_no: 'HR2', refund_id: '50010', out_trade_no: 'H1', refund_fee: 2, refund_status: 'PROCESSING', created_at: new Date(), notify_url: url });
      const delivery = await sandbox.v2.completeRefund('HR2');
      expect(delivery).to.include({ kind: 'refund', status: 200 });
      expect(delivery!.reply).to.include('SUCCESS');
      expect(seen[0]!.req_info).to.include({ out_refund_no: 'HR2', refund_status: 'SUCCESS', refund_fee: '2' });
      // The wire carries only ciphertext: no refund field in the clear.
      expect(delivery!.body).not.to.include('HR2');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('FAIL for a bad sign (401), an undecryptable req_info (400), a DOCTYPE (401), and when onEvent throws (500); onEvent never sees a forgery', async () => {
    const seen: unknown[] = [];
    const errors: unknown[] = [];
    const { server, url } = await hookServer(notifications.handlerV2((fields) => {
      seen.push(fields);
      if (fields.out_trade_no === 'H1' && seen.length > 0 && errors.length === 3) throw new Error('database down');
    }, { onError: (error) => errors.push(error) }));
    try {
      const forged = await post(url, sandbox.v2.payNotification('H1', { secret: 'z'.repeat(32) }));
      expect(forged.status).to.equal(401);
      expect(forged.text).to.include('<return_code>FAIL</return_code>').and.include('ERR_NOTIFICATION');
      const spoiled = await post(url, sandbox.v2.refundNotification('HR1', { secret: 'z'.repeat(32) }));
      expect(spoiled.status).to.equal(400);
      expect(spoiled.text).to.include('FAIL').and.include('ERR_DECRYPT');
      const xxe = await post(url, '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><return_code>&x;</return_code></xml>');
      expect(xxe.status).to.equal(401);
      expect(xxe.text).to.include('ERR_RESPONSE_XML');
      expect(seen).to.have.length(0);
      const failing = await post(url, sandbox.v2.payNotification('H1'));
      expect(failing.status).to.equal(500);
      expect(failing.text).to.include('FAIL');
      expect(errors.map((error) => (error as { code?: string }).code)).to.deep.equal(['ERR_NOTIFICATION', 'ERR_DECRYPT', 'ERR_RESPONSE_XML', undefined]);
      expect(JSON.stringify(errors.map(String))).to.not.include(sandbox.v2.secret);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
