// Shared by the flow specs: a sandbox on a loopback server, a client pointed at it, and a
// merchant callback endpoint built with Notifications that records what it accepts and can be
// told to reject (so that the sandbox retries).
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, Builder, Notifications, type NotificationEvent, type WechatpayClient } from '../../../lib/index.js';
import { Sandbox, type ListeningSandbox, type SandboxOptions } from '../../../lib/testing/index.js';
import { KEYS } from '../support.js';

export const APPID = 'wx1234567890abcdef';
export const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
export const SUB_MCHID = '1900000110';

/** Today in Beijing, as `bill_date` wants it. */
export const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** A merchant callback endpoint on 127.0.0.1: `replies` decides the status of each call in turn (default 204 after verification). */
export interface CallbackEndpoint {
  url: string;
  /** Resources untyped (`any`): the specs compare them with what the sandbox holds. */
  events: NotificationEvent<any>[];
  /** Every POST that reached the endpoint, with the time it arrived (ms). */
  arrivals: { at: number; status: number }[];
  /** Statuses to answer with before verifying, one per arrival; then the Notifications handler decides. */
  rejectNext: number[];
  /** Resolves with the next event of `eventType` accepted from now on. */
  next(eventType: string): Promise<NotificationEvent<any>>;
  close(): Promise<void>;
}

export async function callbackEndpoint(sandbox: Sandbox): Promise<CallbackEndpoint> {
  const notifications = new Notifications({ apiv3Key: sandbox.apiv3Key, certs: sandbox.clientConfig().certs });
  const waiting: [string, (event: NotificationEvent<any>) => void][] = [];
  const endpoint: CallbackEndpoint = {
    url: '',
    events: [],
    arrivals: [],
    rejectNext: [],
    next: (eventType) => new Promise((resolve) => waiting.push([eventType, resolve])),
    close: () => new Promise((done) => server.close(() => done())),
  };
  const handle = notifications.handler((event) => {
    endpoint.events.push(event);
    const index = waiting.findIndex(([type]) => type === event.event_type);
    if (index >= 0) waiting.splice(index, 1)[0]![1](event);
  });
  const server = createServer((req, res) => {
    const forced = endpoint.rejectNext.shift();
    res.on('finish', () => endpoint.arrivals.push({ at: Date.now(), status: res.statusCode }));
    if (forced !== undefined) {
      req.resume();
      res.writeHead(forced, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 'FAIL', message: 'not now' }));
      return;
    }
    void handle(req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return endpoint;
}

/** A sandbox served on 127.0.0.1 for the enclosing `describe`, with a client and a callback endpoint. */
export function liveSandbox(options: SandboxOptions = {}) {
  const context = {} as { sandbox: Sandbox; server: ListeningSandbox; wxpay: WechatpayClient; endpoint: CallbackEndpoint };
  before(async () => {
    context.sandbox = new Sandbox({ keys: KEYS, refundDelay: 100, callbackRetryDelays: [50, 100], ...options });
    context.server = await context.sandbox.listen();
    context.wxpay = Builder.factory(context.sandbox.clientConfig({ baseURL: context.server.url }));
    context.endpoint = await callbackEndpoint(context.sandbox);
  });
  after(async () => {
    context.sandbox.close();
    await context.endpoint.close();
    await context.server.close();
  });
  return context;
}

let sequence = 0;
/** A fresh merchant number: `prefix` + time + counter, 6–32 characters. */
export const number = (prefix: string) => `${prefix}${Date.now().toString(36)}${(sequence += 1)}`.slice(0, 32);

/** A JSAPI prepay body for a direct merchant. */
export function jsapiOrder(mchid: string, out_trade_no: string, notify_url: string, total = 100, extra: object = {}) {
  return { appid: APPID, mchid, description: 'sandbox spec', out_trade_no, notify_url, amount: { total, currency: 'CNY' }, payer: { openid: OPENID }, ...extra };
}

/** Awaits a rejection and checks it is WeChat Pay's documented error. */
export async function apiError(promise: Promise<unknown>, status: number, code: string, detail?: object): Promise<ApiError> {
  const error = await promise.then(() => expect.fail(`expected ${code}`), (caught: unknown) => caught);
  expect(error, String(error)).to.be.instanceOf(ApiError);
  const apiError = error as ApiError;
  expect({ status: apiError.status, code: apiError.code }, apiError.message).to.deep.equal({ status, code });
  if (detail) expect(apiError.detail).to.deep.equal(detail);
  return apiError;
}
