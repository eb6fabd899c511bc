/**
 * The retry policy: which failures are worth another attempt, and how long to wait before it.
 * Only failures that left no answer (nothing arrived) and `5xx` / `429` answers are retried;
 * never a `2xx`, another `4xx`, a verification failure, or the caller's own abort.
 */
import { ApiError, ArgumentError, TransportError, type TransportErrorCode } from '../errors.js';

/** The `retry` option, on the client or one call. */
export interface RetryOptions {
  /** How many requests a call may send in all, the first included; default 3. */
  attempts?: number;
  /**
   * The shortest wait before a retry, in ms; default 100. No retry comes sooner. The first retry
   * waits between `minDelay` and twice it; each further retry doubles that range (jittered).
   */
  minDelay?: number;
  /** The longest wait before a retry, in ms; default 2000. No retry waits longer. */
  maxDelay?: number;
  /**
   * The methods retried; default `['GET']`. Add `POST` only for endpoints made idempotent by their
   * own keys (`out_trade_no`, `out_refund_no`, `out_bill_no`, …).
   */
  methods?: readonly string[];
}

/** A checked {@link RetryOptions}, every field set. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly minDelay: number;
  readonly maxDelay: number;
  readonly methods: ReadonlySet<string>;
}

/** The defaults `retry: {}` or `retry: true` stands for. */
export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = { attempts: 3, minDelay: 100, maxDelay: 2000, methods: ['GET'] };

const RETRIED_TRANSPORT: ReadonlySet<TransportErrorCode> = new Set([
  'ERR_TIMEOUT', 'ERR_DNS', 'ERR_CONNECT_REFUSED', 'ERR_HOST_UNREACHABLE', 'ERR_TLS', 'ERR_CONNECTION_RESET', 'ERR_NETWORK',
]);

/**
 * Checks a `retry` option. `undefined`/`false` is no retry; `true` the defaults; an object is
 * laid over `base` (the client's policy for a call's own option, else the defaults).
 */
export function retryPolicyOf(option: unknown, code: 'ERR_CONFIG' | 'ERR_OPTIONS', field: string, base?: RetryPolicy): RetryPolicy | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) option = {};
  if (option === null || typeof option !== 'object' || Array.isArray(option)) {
    throw new ArgumentError(code, `${field} must be an object { attempts, minDelay, maxDelay, methods }, true or false`);
  }
  const known = ['attempts', 'minDelay', 'maxDelay', 'methods'];
  const stray = Object.keys(option).find((key) => !known.includes(key));
  if (stray) throw new ArgumentError(code, `${field}.${stray} is not a retry option (${known.join(', ')})`);
  const given = option as RetryOptions;
  const attempts = given.attempts ?? base?.attempts ?? DEFAULT_RETRY.attempts;
  const minDelay = given.minDelay ?? base?.minDelay ?? DEFAULT_RETRY.minDelay;
  const maxDelay = given.maxDelay ?? base?.maxDelay ?? DEFAULT_RETRY.maxDelay;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) throw new ArgumentError(code, `${field}.attempts must be an integer from 1 to 10`);
  for (const [name, value] of [['minDelay', minDelay], ['maxDelay', maxDelay]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ArgumentError(code, `${field}.${name} must be a non-negative number of ms`);
  }
  if (maxDelay < minDelay) throw new ArgumentError(code, `${field}.maxDelay must not be below minDelay`);
  const methods = given.methods ?? (base ? [...base.methods] : DEFAULT_RETRY.methods);
  if (!Array.isArray(methods) || methods.some((method) => typeof method !== 'string')) throw new ArgumentError(code, `${field}.methods must be an array of HTTP methods`);
  return { attempts, minDelay, maxDelay, methods: new Set(methods.map((method: string) => method.toUpperCase())) };
}

/**
 * The wait before retry number `retry` (1 for the first): a random point between half and all of
 * `min(maxDelay, minDelay·2^retry)`, never below `minDelay`. The range doubles with each retry
 * until the cap, and is jittered on every retry so that many clients do not retry in step; the
 * floor keeps `minDelay` a true minimum for a caller who sets it to respect a rate limit.
 */
export function backoff(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelay, policy.minDelay * 2 ** retry);
  const floor = Math.max(policy.minDelay, ceiling / 2);
  // Rounded to whole ms, then held inside the bounds (which need not be whole).
  return Math.min(ceiling, Math.max(floor, Math.round(floor + (ceiling - floor) * random())));
}

/** Whether `error` may be retried: nothing of an answer arrived, or WeChat Pay answered 5xx or 429. */
export function isRetryable(error: unknown): boolean {
  if (TransportError.is(error)) return !error.answered && RETRIED_TRANSPORT.has(error.code);
  if (ApiError.is(error)) return error.status >= 500 || error.status === 429;
  return false;
}

/** Waits `ms`; rejects with the caller's abort, as a `TransportError` `ERR_CANCELED`, at once. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const canceled = () => new TransportError('ERR_CANCELED', 'the call was canceled while waiting to retry', new Error('canceled'));
    if (signal?.aborted) return reject(canceled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(canceled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
