import { expect } from 'chai';
import fc from 'fast-check';
import { ApiError, ArgumentError, TransportError, VerificationError } from '../../lib/errors.js';
import { codeOf } from '../../lib/transport/codes.js';
import { redactedUrl } from '../../lib/transport/hooks.js';
import { backoff, DEFAULT_RETRY, isRetryable, retryPolicyOf } from '../../lib/transport/retry.js';

describe('retry policy', () => {
  const policy = retryPolicyOf({ attempts: 5, minDelay: 100, maxDelay: 1000 }, 'ERR_CONFIG', 'retry')!;

  it('waits within [minDelay, maxDelay]: retry n between half and all of min(maxDelay, minDelay·2^n), never below minDelay', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoff(n, policy, () => 0))).to.deep.equal([100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoff(n, policy, () => 1))).to.deep.equal([200, 400, 800, 1000, 1000]);
    expect(backoff(2, policy, () => 0.5)).to.equal(300);
    // The case: minDelay 50 used to allow a first wait of 25 ms (37 ms was seen).
    const fifty = retryPolicyOf({ minDelay: 50 }, 'ERR_CONFIG', 'retry')!;
    expect(backoff(1, fifty, () => 0)).to.equal(50);
    expect(backoff(1, fifty, () => 0.26)).to.equal(63);
  });

  it('never waits less than minDelay nor more than maxDelay, for any policy, retry and draw', () => {
    const ms = fc.oneof(fc.integer({ min: 0, max: 60_000 }), fc.double({ min: 0, max: 60_000, noNaN: true }));
    const delays = fc.tuple(ms, ms).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    const draw = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    fc.assert(fc.property(delays, fc.integer({ min: 1, max: 9 }), draw, ([minDelay, maxDelay], retry, random) => {
      const wait = backoff(retry, retryPolicyOf({ attempts: 10, minDelay, maxDelay }, 'ERR_CONFIG', 'retry')!, () => random);
      expect(wait).to.be.within(minDelay, maxDelay);
    }));
  });

  it('keeps the jitter on every retry, the cap included, unless minDelay equals maxDelay', () => {
    for (const n of [1, 2, 3, 4, 5]) expect(backoff(n, policy, () => 0.99), `retry ${n}`).to.be.above(backoff(n, policy, () => 0));
    const fixed = retryPolicyOf({ minDelay: 300, maxDelay: 300 }, 'ERR_CONFIG', 'retry')!;
    expect([0, 0.5, 0.99].map((draw) => backoff(2, fixed, () => draw))).to.deep.equal([300, 300, 300]);
  });

  it('defaults to 3 attempts, 100 to 2000 ms, GET only; true means the defaults; a call lays its own over the client', () => {
    expect(DEFAULT_RETRY).to.deep.equal({ attempts: 3, minDelay: 100, maxDelay: 2000, methods: ['GET'] });
    const defaults = retryPolicyOf(true, 'ERR_CONFIG', 'retry')!;
    expect({ ...defaults, methods: [...defaults.methods] }).to.deep.equal(DEFAULT_RETRY);
    expect(retryPolicyOf(undefined, 'ERR_CONFIG', 'retry')).to.equal(undefined);
    expect(retryPolicyOf(false, 'ERR_CONFIG', 'retry')).to.equal(undefined);
    const call = retryPolicyOf({ methods: ['post'] }, 'ERR_OPTIONS', 'retry', policy)!;
    expect(call).to.include({ attempts: 5, minDelay: 100, maxDelay: 1000 });
    expect([...call.methods]).to.deep.equal(['POST']);
    expect(() => retryPolicyOf({ attempts: 2.5 }, 'ERR_OPTIONS', 'retry')).to.throw(ArgumentError).with.property('code', 'ERR_OPTIONS');
    expect(() => retryPolicyOf('yes', 'ERR_CONFIG', 'config.retry')).to.throw(ArgumentError, /config.retry/);
  });

  it('retries what left no answer, and 5xx and 429; nothing else', () => {
    const cause = new Error('x');
    expect(isRetryable(new TransportError('ERR_CONNECTION_RESET', 'm', cause))).to.equal(true);
    expect(isRetryable(new TransportError('ERR_TIMEOUT', 'm', cause))).to.equal(true);
    expect(isRetryable(new TransportError('ERR_TIMEOUT', 'm', cause, { answered: true }))).to.equal(false);
    expect(isRetryable(new TransportError('ERR_CANCELED', 'm', cause))).to.equal(false);
    expect(isRetryable(new TransportError('ERR_RESPONSE_TOO_LARGE', 'm', cause, { answered: true }))).to.equal(false);
    for (const status of [500, 502, 503, 429]) expect(isRetryable(new ApiError({ status, code: 'X', message: 'm' })), String(status)).to.equal(true);
    for (const status of [400, 401, 403, 404, 409]) expect(isRetryable(new ApiError({ status, code: 'X', message: 'm' })), String(status)).to.equal(false);
    expect(isRetryable(new VerificationError('ERR_RESPONSE_SIGNATURE', 'm'))).to.equal(false);
    expect(isRetryable(new ArgumentError('ERR_OPTIONS', 'm'))).to.equal(false);
  });
});

describe('transport codes', () => {
  it('names each system failure by one stable code', () => {
    const cases: [string, boolean, string][] = [
      ['ECONNREFUSED', false, 'ERR_CONNECT_REFUSED'], ['ENOTFOUND', false, 'ERR_DNS'], ['EAI_AGAIN', false, 'ERR_DNS'],
      ['EHOSTUNREACH', false, 'ERR_HOST_UNREACHABLE'], ['ENETUNREACH', false, 'ERR_HOST_UNREACHABLE'],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', false, 'ERR_TLS'], ['ERR_TLS_CERT_ALTNAME_INVALID', false, 'ERR_TLS'], ['CERT_HAS_EXPIRED', false, 'ERR_TLS'], ['EPROTO', false, 'ERR_TLS'],
      ['ECONNRESET', false, 'ERR_CONNECTION_RESET'], ['EPIPE', false, 'ERR_CONNECTION_RESET'], ['ECONNRESET', true, 'ERR_RESPONSE_INCOMPLETE'], ['ERR_BAD_RESPONSE', true, 'ERR_RESPONSE_INCOMPLETE'],
      ['ERR_CANCELED', false, 'ERR_CANCELED'], ['ECONNABORTED', false, 'ERR_TIMEOUT'], ['ETIMEDOUT', false, 'ERR_TIMEOUT'], ['EWHATEVER', false, 'ERR_NETWORK'],
    ];
    for (const [raw, answered, code] of cases) expect(codeOf(raw, 'x', answered), raw).to.equal(code);
    expect(codeOf('ERR_BAD_RESPONSE', 'maxContentLength size of 10 exceeded', true)).to.equal('ERR_RESPONSE_TOO_LARGE');
  });

  it('drops query values from the URL hooks see, keeping the names', () => {
    expect(redactedUrl('https://api.mch.weixin.qq.com/', '/v3/x/o%20id?appid=wx1&sub_mchid=19&appid=wx2')).to.equal('https://api.mch.weixin.qq.com/v3/x/o%20id?appid=&sub_mchid=&appid=');
    expect(redactedUrl('http://127.0.0.1:9/base/', '/base/v3/y')).to.equal('http://127.0.0.1:9/base/v3/y');
  });
});
