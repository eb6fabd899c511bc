// Callback delivery: a callback the merchant's handler rejects is retried on the compressed
// schedule (tries and timings asserted), gives up after the last one, and is never sent to a
// host that is not a loopback IP literal.
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sandbox, type CallbackRecord } from '../../../lib/testing/index.js';
import { isLoopbackAddress, loopbackURL } from '../../../lib/testing/loopback.js';
import { eventually } from '../../support/eventually.js';
import { recordTimers } from '../../support/timers.js';
import { KEYS } from '../support.js';
import { jsapiOrder, liveSandbox, number } from './support.js';

describe('Sandbox flows: callback delivery', () => {
  describe('retries on a compressed schedule', () => {
    const live = liveSandbox({ callbackRetryDelays: [100, 200, 400] });

    async function order(notify_url = live.endpoint.url): Promise<string> {
      const out_trade_no = number('CB');
      await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, out_trade_no, notify_url) });
      return out_trade_no;
    }

    // The delays the sandbox plans are recorded (its timers still run for real), so the schedule
    // is checked exactly; real gaps are checked only from below, which no busy machine breaks.
    it('retries a callback the handler rejects (500, 503) after 100 and 200 ms, then stops once it is accepted', async () => {
      const out_trade_no = await order();
      live.endpoint.rejectNext.push(500, 503);
      const accepted = live.endpoint.next('TRANSACTION.SUCCESS');
      const { delays, restore } = recordTimers();
      const started = Date.now();
      let callback: CallbackRecord | undefined;
      try {
        ({ callback } = await live.sandbox.pay(out_trade_no));
        expect(callback!.state).to.equal('pending');
        const event = await accepted;
        expect(event.resource.out_trade_no).to.equal(out_trade_no);
        // The handler hands the event over before its 204 is on the wire.
        await eventually(() => callback!.state !== 'pending', 'the accepted try recorded');
      } finally {
        restore();
      }
      expect(callback!.state).to.equal('delivered');
      expect(callback!.tries.map((item) => item.status)).to.deep.equal([500, 503, 204]);
      expect(delays).to.deep.equal([100, 200]);
      const arrivals = live.endpoint.arrivals.slice(-3).map((arrival) => arrival.at - started);
      const gaps = [arrivals[1]! - arrivals[0]!, arrivals[2]! - arrivals[1]!];
      expect(gaps[0]).to.be.at.least(95);
      expect(gaps[1]).to.be.at.least(195);
      await sleep(500);
      expect(callback!.tries).to.have.length(3);
      expect(live.sandbox.callbacks.filter((record) => record.subject === out_trade_no)).to.have.length(1);
    });

    it('gives up after the last delay: four tries in all, then failed', async () => {
      const out_trade_no = await order();
      live.endpoint.rejectNext.push(500, 500, 500, 500);
      const { delays, restore } = recordTimers();
      let callback: CallbackRecord | undefined;
      try {
        ({ callback } = await live.sandbox.pay(out_trade_no));
        await eventually(() => callback!.state !== 'pending', 'the last try');
      } finally {
        restore();
      }
      expect(delays).to.deep.equal([100, 200, 400]);
      expect(callback!.tries.map((item) => item.status)).to.deep.equal([500, 500, 500, 500]);
      expect(callback!.state).to.equal('failed');
    });

    it('records a try without reply (connection refused) as status null and retries it', async () => {
      const out_trade_no = await order('http://127.0.0.1:9/notify');
      const { callback } = await live.sandbox.pay(out_trade_no);
      expect(callback!.tries[0]).to.include({ status: null });
      expect(callback!.tries[0]!.error).to.be.a('string');
      expect(callback!.state).to.equal('pending');
      live.sandbox.close();
      expect(callback!.state).to.equal('failed');
    });
  });

  describe('loopback only', () => {
    const live = liveSandbox();

    for (const url of ['https://example.com/notify', 'http://10.0.0.1/notify', 'http://localhost:8080/notify', 'http://127.0.0.1@example.com/notify', 'https://127.0.0.1/notify']) {
      it(`never calls ${url}: the callback is recorded as refused, without tries`, async () => {
        const out_trade_no = number('NL');
        await live.wxpay.chain('v3/pay/transactions/jsapi').post({ json: jsapiOrder(live.sandbox.mchid, out_trade_no, url) });
        const { callback } = await live.sandbox.pay(out_trade_no);
        expect(callback).to.deep.include({ url, state: 'refused', tries: [] });
      });
    }

    it('accepts IP literals of the loopback interface only', () => {
      expect(['http://127.0.0.1:1/a', 'http://127.1.2.3/a', 'http://[::1]:80/a'].map((url) => loopbackURL(url)?.href)).to.deep.equal(['http://127.0.0.1:1/a', 'http://127.1.2.3/a', 'http://[::1]/a']);
      expect(['http://user:pw@127.0.0.1/a', 'ftp://127.0.0.1/a', 'not a url', 'http://0x7f000001.example/a'].map(loopbackURL)).to.deep.equal([undefined, undefined, undefined, undefined]);
      expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).to.deep.equal([true, true, true]);
      expect(['192.168.1.1', '::ffff:10.0.0.1', undefined, ''].map(isLoopbackAddress)).to.deep.equal([false, false, false, false]);
    });

    it('refuses retry delays that are not non-negative numbers', () => {
      expect(() => new Sandbox({ keys: KEYS, callbackRetryDelays: [-1] })).to.throw(TypeError, /callbackRetryDelays/);
      expect(() => new Sandbox({ keys: KEYS, refundDelay: -5 })).to.throw(TypeError, /refundDelay/);
    });
  });
});
