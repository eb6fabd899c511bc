// Issue 11: the timeout covers the whole call, the body included; answers are capped in size.
import { expect } from 'chai';
import { Builder, TransportError, DEFAULT_TIMEOUT } from '../lib/index.js';
import { faultServer, type FaultServer } from './support/fault-server.js';
import { rejection } from './support/rejection.js';


describe('answer limits (real server on 127.0.0.1)', () => {
  let server: FaultServer;
  before(async () => {
    server = await faultServer();
  });
  after(() => server.close());
  afterEach(() => {
    Object.assign(server.tune, { pieces: 8, gapMs: 100, oversizedBytes: 9 * 1024 * 1024 });
  });

  it('times out an answer whose body trickles in past the timeout, though every piece is prompt', async () => {
    const wxpay = Builder.factory(server.config);
    const started = Date.now();
    const error = await rejection(wxpay.chain('v3/faults/{fault}').get({ fault: 'trickle', timeout: 300 }));
    const took = Date.now() - started;
    // The body would be whole after 8 × 100 ms: a timeout that did not cover it would let the
    // call succeed. A timer never fires early, so the call took the 300 ms at least; no upper
    // bound on real time holds on a busy machine.
    expect(error).to.be.instanceOf(TransportError).with.property('code', 'ERR_TIMEOUT');
    expect((error as Error).message).to.include('within 300 ms');
    expect(took).to.be.at.least(280);
  });

  it('takes the client timeout as the default for every call, and a call may set its own', async () => {
    const wxpay = Builder.factory({ ...server.config, timeout: 300 });
    expect(await rejection(wxpay.chain('v3/faults/{fault}').get({ fault: 'trickle' }))).to.have.property('code', 'ERR_TIMEOUT');
    const { data } = await wxpay.chain('v3/faults/{fault}').get({ fault: 'trickle', timeout: 5000 });
    expect(data).to.have.property('fault', 'trickle');
  });

  it('defaults to a 10 s timeout for the whole call', async () => {
    expect(DEFAULT_TIMEOUT).to.equal(10_000);
    Object.assign(server.tune, { pieces: 30, gapMs: 400 });
    const wxpay = Builder.factory(server.config);
    const started = Date.now();
    // The body would be whole after 30 × 400 ms; the message names the deadline that fired.
    const error = await rejection(wxpay.chain('v3/faults/{fault}').get({ fault: 'trickle' }));
    expect(error).to.include({ code: 'ERR_TIMEOUT', message: 'no complete answer within 10000 ms' });
    expect(Date.now() - started).to.be.at.least(9_900);
  });

  it('still lets the caller abort, as ERR_CANCELED, not a timeout', async () => {
    const wxpay = Builder.factory(server.config);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await rejection(wxpay.chain('v3/faults/{fault}').get({ fault: 'trickle', signal: controller.signal }))).to.have.property('code', 'ERR_CANCELED');
  });

  it('refuses a correctly signed answer larger than 8 MB (ERR_RESPONSE_TOO_LARGE) and drops the socket', async () => {
    const wxpay = Builder.factory(server.config);
    const error = await rejection(wxpay.chain('v3/faults/{fault}').get({ fault: 'oversized' }));
    expect(error).to.be.instanceOf(TransportError).with.property('code', 'ERR_RESPONSE_TOO_LARGE');
    expect((error as Error).message).to.include(String(8 * 1024 * 1024));
  });

  it('takes a larger cap from the client config or the call', async () => {
    Object.assign(server.tune, { oversizedBytes: 2 * 1024 * 1024 });
    const small = Builder.factory({ ...server.config, maxContentLength: 1024 * 1024 });
    expect(await rejection(small.chain('v3/faults/{fault}').get({ fault: 'oversized' }))).to.have.property('code', 'ERR_RESPONSE_TOO_LARGE');
    const { data } = await small.chain('v3/faults/{fault}').get({ fault: 'oversized', maxContentLength: 4 * 1024 * 1024 });
    expect(data).to.have.property('fault', 'oversized');
  });
});
