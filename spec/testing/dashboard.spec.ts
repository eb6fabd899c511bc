// Issue 15: the sandbox dashboard in a real browser (Debian's chromium through playwright-core):
// an order made by the client appears, its QR code reads back as its code_url, the pay button
// settles it and the callback reaches a merchant handler built with Notifications.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Builder, Notifications, type NotificationEvent, type WechatpayClient } from '../../lib/index.js';
import { Sandbox, type ListeningSandbox } from '../../lib/testing/index.js';
import { sharedKeys } from '../support/gateway.js';

/** Debian's chromium; `.ci/run` installs it. A missing browser fails the suite: it is never skipped. */
// jsqr is CommonJS with `exports.default`: under NodeNext its default import is the module object.
const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule.default }).default;
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOT = new URL('../../docs/public/sandbox-dashboard.png', import.meta.url);
/** How long a change may take to show: the page polls once a second, and a busy machine slows Chromium down. */
const SHOWN = 20_000;

/** A raw GET to the sandbox with a chosen Host header, as a rebinding page would send it. */
function getWithHost(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path, headers: { Host: host } }, (incoming) => {
      let body = '';
      incoming.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

describe('sandbox dashboard (headless chromium)', () => {
  let sandbox: Sandbox;
  let gateway: ListeningSandbox;
  let wxpay: WechatpayClient;
  let browser: Browser;
  let page: Page;
  let merchant: Server;
  let notifyUrl: string;
  const events: NotificationEvent[] = [];

  before(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium; .ci/run does)`).to.equal(true);
    sandbox = new Sandbox({ keys: sharedKeys(), refundDelay: null });
    gateway = await sandbox.listen();
    wxpay = Builder.factory(sandbox.clientConfig({ baseURL: gateway.url }));
    const notifications = new Notifications({ apiv3Key: sandbox.apiv3Key, certs: sandbox.clientConfig().certs });
    merchant = createServer(notifications.handler((event) => {
      events.push(event);
    }));
    await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
    notifyUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/notify`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  });

  after(async () => {
    await browser?.close();
    sandbox?.close();
    await gateway?.close();
    await new Promise<void>((resolve) => (merchant ? merchant.close(() => resolve()) : resolve()));
  });

  it('shows a Native order as it is made, with a QR code of its code_url, and pays it by the button', async () => {
    await page.goto(`${gateway.url}sandbox/`);
    await expect(await page.title()).to.include('WeChat Pay sandbox');
    const out_trade_no = `DASH${Date.now()}`;
    const { data } = await wxpay.v3.pay.transactions.native.post({
      json: { appid: 'wx1234567890abcdef', mchid: sandbox.mchid, description: '看板 dashboard', out_trade_no, notify_url: notifyUrl, amount: { total: 888, currency: 'CNY' } },
    });
    const row = page.locator(`[data-out-trade-no="${out_trade_no}"]`);
    await row.waitFor({ timeout: SHOWN });
    expect(await row.getAttribute('data-state')).to.equal('NOTPAY');
    expect(await row.textContent()).to.include('8.88 CNY');

    // The QR code must read back as the order's code_url: decode the pixels the browser drew.
    const shot = PNG.sync.read(await row.locator('svg').screenshot());
    const decoded = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
    expect(decoded?.data).to.equal(data.code_url);

    await row.locator('[data-action="pay"]').click();
    await page.locator(`[data-out-trade-no="${out_trade_no}"][data-state="SUCCESS"]`).waitFor({ timeout: SHOWN });
    const { data: order } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no, query: { mchid: sandbox.mchid } });
    expect(order.trade_state).to.equal('SUCCESS');

    // The callback reached the merchant's handler, verified and decrypted, and the page lists it as delivered.
    const callback = page.locator('[data-callback][data-state="ok"]');
    await callback.first().waitFor({ timeout: SHOWN });
    const paid = events.find((event) => event.event_type === 'TRANSACTION.SUCCESS' && (event.resource as { out_trade_no?: string }).out_trade_no === out_trade_no);
    expect(paid, 'TRANSACTION.SUCCESS at the merchant handler').to.not.equal(undefined);
    expect(await callback.first().textContent()).to.include(notifyUrl);

    // Resend goes through the same control route a script would use, and adds a try.
    const id = await callback.first().getAttribute('data-callback');
    const before = events.length;
    await callback.first().locator('[data-action="resend"]').click();
    await page.waitForFunction((callbackId) => document.querySelectorAll(`[data-callback="${callbackId}"] table.tries tr`).length >= 2, id, { timeout: SHOWN });
    expect(events.length).to.equal(before + 1);

    if (process.env['WXPAY_SCREENSHOT']) {
      mkdirSync(new URL('.', SCREENSHOT), { recursive: true });
      writeFileSync(SCREENSHOT, await page.screenshot({ fullPage: true }));
    }
  });

  it('fails and closes orders by the buttons, and settles or breaks refunds', async () => {
    const make = async (out_trade_no: string) => {
      await wxpay.v3.pay.transactions.native.post({
        json: { appid: 'wx1234567890abcdef', mchid: sandbox.mchid, description: 'x', out_trade_no, notify_url: notifyUrl, amount: { total: 100, currency: 'CNY' } },
      });
      return page.locator(`[data-out-trade-no="${out_trade_no}"]`);
    };
    const failing = await make(`FAIL${Date.now()}`);
    await failing.locator('[data-action="fail"]').click();
    await failing.and(page.locator('[data-state="PAYERROR"]')).waitFor({ timeout: SHOWN });
    const closing = await make(`CLOSE${Date.now()}`);
    await closing.locator('[data-action="close"]').click();
    await closing.and(page.locator('[data-state="CLOSED"]')).waitFor({ timeout: SHOWN });

    const paid = `PAID${Date.now()}`;
    await make(paid);
    await sandbox.pay(paid);
    for (const [out_refund_no, action, state] of [[`${paid}R1`, 'succeed', 'SUCCESS'], [`${paid}R2`, 'abnormal', 'ABNORMAL']] as const) {
      await wxpay.v3.refund.domestic.refunds.post({ json: { out_trade_no: paid, out_refund_no, amount: { refund: 10, total: 100, currency: 'CNY' } } });
      const row = page.locator(`[data-out-refund-no="${out_refund_no}"]`);
      await row.and(page.locator('[data-state="PROCESSING"]')).waitFor({ timeout: SHOWN });
      await row.locator(`[data-action="${action}"]`).click();
      await row.and(page.locator(`[data-state="${state}"]`)).waitFor({ timeout: SHOWN });
    }
  });

  it('shows every time in WeChat Pay\'s zone (+08:00), whatever the browser\'s zone and locale', async () => {
    const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
    try {
      const away = await context.newPage();
      await away.goto(`${gateway.url}sandbox/`);
      // The browser really is elsewhere: New York is never at +08:00.
      expect(await away.evaluate(() => [Intl.DateTimeFormat().resolvedOptions().timeZone, new Date().getTimezoneOffset() > 0])).to.deep.equal(['America/New_York', true]);
      const out_trade_no = `ZONE${Date.now()}`;
      const before = Math.floor(Date.now() / 1000) * 1000;
      await wxpay.v3.pay.transactions.native.post({
        json: { appid: 'wx1234567890abcdef', mchid: sandbox.mchid, description: 'x', out_trade_no, notify_url: notifyUrl, amount: { total: 100, currency: 'CNY' } },
      });
      await sandbox.pay(out_trade_no);
      const after = Date.now();
      const row = away.locator(`[data-out-trade-no="${out_trade_no}"][data-state="SUCCESS"]`);
      await row.waitFor({ timeout: SHOWN });
      const shown = (await row.locator('.meta').textContent())!.split(' → ');
      expect(shown, 'created → paid').to.have.length(2);
      for (const text of shown) {
        expect(text).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+08:00$/);
        // Beijing's wall clock for the right instant, not New York's labelled +08:00.
        expect(Date.parse(text.replace(' ', 'T'))).to.be.within(before, after);
      }
      const state = await (await fetch(`${gateway.url}sandbox/state`)).json() as { orders: { out_trade_no: string; created_at: string }[] };
      expect(shown[0]).to.equal(state.orders.find((order) => order.out_trade_no === out_trade_no)!.created_at.replace('T', ' '));
      // The callback's tries are timed the same way.
      const tried = away.locator('[data-callback] table.tries td').first();
      await tried.waitFor({ timeout: SHOWN });
      expect(await tried.textContent()).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+08:00$/);
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(`${gateway.url}sandbox/`);
    await phone.locator('[data-out-trade-no]').first().waitFor({ timeout: SHOWN });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).to.be.at.most(0);
    await phone.close();
  });

  it('serves no key: the state carries no PEM, private key or APIv3 key', async () => {
    const state = await (await fetch(`${gateway.url}sandbox/state`)).text();
    expect(state).to.not.include('PRIVATE KEY');
    expect(state).to.not.include('BEGIN');
    expect(state).to.not.include(sandbox.apiv3Key);
  });

  it('refuses the page and its state to a request naming another host (DNS rebinding)', async () => {
    for (const path of ['/sandbox/', '/sandbox/state']) {
      const good = await getWithHost(gateway.url, path, new URL(gateway.url).host);
      expect(good.status, path).to.equal(200);
      const rebound = await getWithHost(gateway.url, path, 'evil.example:80');
      expect(rebound.status, path).to.not.equal(200);
      expect(rebound.body).to.not.include('data-out-trade-no');
    }
  });
});
