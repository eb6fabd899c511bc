import type { AxiosInstance } from 'axios';
import { TransportError } from './errors.js';
import type { DecoratedConfig } from './decorator.js';

/**
 * Sends a decorated request under one deadline for the whole call: signing, connecting, the
 * headers and every byte of the body. axios's own `timeout` is a socket-idle timer, so an answer
 * trickling in slower than the deadline but faster than the idle limit would never time out.
 * A timeout is a {@link TransportError} `ERR_TIMEOUT`; the caller's own `signal` still aborts.
 */
export async function withDeadline(instance: AxiosInstance, config: DecoratedConfig, defaultTimeout: number): Promise<unknown> {
  const { timeout = defaultTimeout, signal } = config;
  if (timeout === 0) return instance.request({ ...config, timeout: 0 });
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeout);
  // The socket keeps the process alive while a call is pending; the timer need not.
  timer.unref();
  // AbortSignal.any costs a few µs and a weak reference per call: only when the caller gave a signal too.
  const combined = signal ? AbortSignal.any([deadline.signal, signal as AbortSignal]) : deadline.signal;
  try {
    return await instance.request({ ...config, timeout: 0, signal: combined });
  } catch (error) {
    if (deadline.signal.aborted && error instanceof TransportError) {
      throw new TransportError('ERR_TIMEOUT', `no complete answer within ${timeout} ms`, error.cause as Error, { answered: error.answered });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
