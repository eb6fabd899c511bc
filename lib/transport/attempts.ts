/**
 * One call, one or more attempts: each attempt goes through axios and its interceptors again, so
 * it is signed anew (new nonce and timestamp) over the same bytes. The retry policy decides
 * whether a failure gets another attempt; `backupBaseURL` takes over when the primary host
 * cannot be reached; hooks hear of every attempt.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { ApiError, countAttempts, TransportError, VerificationError, WechatpayError } from '../errors.js';
import type { DecoratedConfig } from '../decorator.js';
import { withDeadline } from '../deadline.js';
import { requestTarget } from '../signer.js';
import { headerOf } from '../verifier.js';
import { UNREACHED } from './codes.js';
import { notify, redactedUrl, type AttemptInfo, type Hooks } from './hooks.js';
import { backoff, isRetryable, retryPolicyOf, sleep, type RetryPolicy } from './retry.js';

/** What {@link attempter} needs from the client. */
export interface AttempterOptions {
  instance: AxiosInstance;
  /** Each attempt's timeout, unless the call sets its own. */
  timeout: number;
  baseURL: string;
  backupBaseURL: string | undefined;
  retry: RetryPolicy | undefined;
  hooks: Hooks | undefined;
}

const countedOnce = (error: unknown): never => {
  throw countAttempts(error, 1);
};
const unreached = (error: unknown) => TransportError.is(error) && !error.answered && UNREACHED.has(error.code);

/** Sends decorated calls with retries, failover and hooks as configured. */
export function attempter(options: AttempterOptions): (config: DecoratedConfig & { retry?: unknown }) => Promise<unknown> {
  const { instance, timeout, baseURL, backupBaseURL, retry, hooks } = options;
  // Without retry, failover or hooks, a call is one plain request: nothing else on the hot path.
  if (!retry && !backupBaseURL && !hooks) {
    return (config) => {
      if (config.retry !== undefined) {
        const { retry: callRetry, ...rest } = config;
        return send(rest, retryPolicyOf(callRetry, 'ERR_OPTIONS', 'retry', retry));
      }
      // withDeadline copies the config for the attempt: a `retry: undefined` left on it is no option to axios.
      return withDeadline(instance, config, timeout).catch(countedOnce);
    };
  }
  return ({ retry: callRetry, ...config }) => send(config, callRetry === undefined ? retry : retryPolicyOf(callRetry, 'ERR_OPTIONS', 'retry', retry));

  async function send(config: DecoratedConfig, policy: RetryPolicy | undefined): Promise<unknown> {
    const method = String(config.method);
    const limit = policy?.methods.has(method) ? policy.attempts : 1;
    // A call that names its own host keeps it; the backup stands in for the client's host only.
    const backup = config.baseURL === undefined ? backupBaseURL : undefined;
    const signal = config.signal as AbortSignal | undefined;
    let host = config.baseURL ?? baseURL;
    let retries = 0;
    for (let attempt = 1; ; attempt += 1) {
      const info: AttemptInfo | undefined = hooks && { method, template: config.wechatpay.template, url: redactedUrl(host, requestTarget(host, config.url ?? '')), attempt };
      if (info) notify(hooks!.request, info);
      const started = performance.now();
      try {
        const response = (await withDeadline(instance, host === (config.baseURL ?? baseURL) ? config : { ...config, baseURL: host }, timeout)) as AxiosResponse;
        if (info) notify(hooks!.response, { ...info, status: response.status, requestId: headerOf(response.headers, 'Request-ID'), ms: Math.round(performance.now() - started) });
        return response;
      } catch (error) {
        // Nothing was sent to an unreachable primary: its backup may take any method, at once.
        const failover = backup !== undefined && host !== backup && unreached(error);
        const again = !signal?.aborted && (failover ? attempt < Math.max(limit, 2) : attempt < limit && isRetryable(error));
        if (info) notify(hooks!.error, { ...info, ...failureOf(error), ms: Math.round(performance.now() - started), retrying: again });
        if (!again) throw countAttempts(error, attempt);
        if (failover) host = backup;
        else {
          retries += 1;
          try {
            await sleep(backoff(retries, policy!), signal);
          } catch (canceled) {
            throw countAttempts(canceled, attempt);
          }
        }
      }
    }
  }
}

function failureOf(error: unknown): { code: string; status: number | undefined; requestId: string | undefined } {
  const code = WechatpayError.is(error) ? error.code : 'ERR_UNEXPECTED';
  const answer = ApiError.is(error) || VerificationError.is(error) ? error : undefined;
  return { code, status: answer?.status, requestId: answer?.requestId };
}
