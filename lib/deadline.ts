import type { AxiosInstance } from 'axios';
import { TransportError } from './errors.js';
import type { DecoratedConfig, WechatpayRequestMeta } from './decorator.js';
import { DEADLINE_PASSED, keepsDeadline } from './transport/adapter.js';

/**
 * An attempt's {@link WechatpayRequestMeta}, its deadline set. A class instance, not a plain
 * object: axios deep-copies plain objects into every request's config (twice a call) and hands
 * anything else over as it is.
 */
class AttemptMeta {}
const attemptMeta = (meta: WechatpayRequestMeta, deadline: number): WechatpayRequestMeta => Object.assign(new AttemptMeta(), meta, { deadline });

/** The timeout error of a call whose deadline passed, from the transport error it ended with. */
const expired = (error: TransportError, timeout: number) => new TransportError('ERR_TIMEOUT', `no complete answer within ${timeout} ms`, error.cause as Error, { answered: error.answered });

/**
 * Sends a decorated request under one deadline for the whole call: signing, connecting, the
 * headers and every byte of the body. axios's own `timeout` is a socket-idle timer, so an answer
 * trickling in slower than the deadline but faster than the idle limit would never time out.
 * A timeout is a {@link TransportError} `ERR_TIMEOUT`; the caller's own `signal` still aborts.
 *
 * The client's own adapter keeps the deadline with one timer (`wechatpay.deadline`); any other
 * adapter (the caller's own) gets it as an abort signal joined to the caller's.
 */
export function withDeadline(instance: AxiosInstance, config: DecoratedConfig, defaultTimeout: number): Promise<unknown> {
  const { timeout = defaultTimeout } = config;
  if (timeout === 0) return instance.request({ ...config, timeout: 0 });
  if (!keepsDeadline(config.adapter ?? instance.defaults.adapter)) return withAbortDeadline(instance, config, timeout);
  const timed: DecoratedConfig = { ...config, wechatpay: attemptMeta(config.wechatpay, performance.now() + timeout) };
  // The call's timeout is this deadline, not axios's socket-idle timer (absent is none).
  if (config.timeout !== undefined) timed.timeout = 0;
  // A plain promise chain: an async function would add a promise and a microtask of its own.
  return instance.request(timed).catch((error: unknown) => {
    throw TransportError.is(error) && (error.cause as Error | undefined)?.message === DEADLINE_PASSED ? expired(error, timeout) : error;
  });
}

/** The deadline as an abort signal (joined to the caller's), for an adapter that does not keep it itself. */
async function withAbortDeadline(instance: AxiosInstance, config: DecoratedConfig, timeout: number): Promise<unknown> {
  const { signal } = config;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeout);
  // The socket keeps the process alive while a call is pending; the timer need not.
  timer.unref();
  // AbortSignal.any costs a few µs and a weak reference per call: only when the caller gave a signal too.
  const combined = signal ? AbortSignal.any([deadline.signal, signal as AbortSignal]) : deadline.signal;
  try {
    return await instance.request({ ...config, timeout: 0, signal: combined });
  } catch (error) {
    throw deadline.signal.aborted && TransportError.is(error) ? expired(error, timeout) : error;
  } finally {
    clearTimeout(timer);
  }
}
