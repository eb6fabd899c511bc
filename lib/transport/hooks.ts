/**
 * Observability hooks: what a log line or a metric needs about each attempt, and nothing that is
 * a secret. No header value, body, key or signature ever reaches a hook; query values are dropped
 * from the URL (they may be personal data), their names kept.
 */

/** What every hook is told about an attempt. */
export interface AttemptInfo {
  /** `GET`, `POST`, … */
  method: string;
  /** The URI template the call named, e.g. `v3/pay/transactions/id/{transaction_id}`. */
  template: string;
  /** The URL the attempt goes to, query values left out: `https://host/v3/x?mchid=`. */
  url: string;
  /** 1 for the first request of a call, 2 for the first retry, … */
  attempt: number;
}

/** Told when an attempt's answer arrived and verified. */
export interface ResponseInfo extends AttemptInfo {
  status: number;
  /** WeChat Pay's `Request-ID`, to quote to its support. */
  requestId: string | undefined;
  /** Milliseconds from sending to the verified answer. */
  ms: number;
}

/** Told when an attempt failed. */
export interface ErrorInfo extends AttemptInfo {
  /** The error's stable `code` (`ERR_TIMEOUT`, `SYSTEM_ERROR`, `ERR_RESPONSE_SIGNATURE`, …). */
  code: string;
  /** The HTTP status, when an answer arrived. */
  status: number | undefined;
  requestId: string | undefined;
  ms: number;
  /** Whether another attempt follows. */
  retrying: boolean;
}

/** The `hooks` option. A hook that throws (or rejects) never changes the call's result. */
export interface Hooks {
  /** Before each attempt is sent. */
  request?(info: AttemptInfo): void;
  /** After an attempt's answer verified. */
  response?(info: ResponseInfo): void;
  /** After an attempt failed, whether or not another follows. */
  error?(info: ErrorInfo): void;
}

/** Calls a hook, swallowing whatever it throws or rejects with. */
export function notify<T>(hook: ((info: T) => void) | undefined, info: T): void {
  if (typeof hook !== 'function') return;
  try {
    const result: unknown = hook(info);
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // A broken logger must not break a payment.
  }
}

/** `origin + pathname` of `target` on `baseURL`, the query's names kept and its values dropped. */
export function redactedUrl(baseURL: string, target: string): string {
  const { origin } = new URL(baseURL);
  const [path = '', search] = target.split('?', 2) as [string, string | undefined];
  if (!search) return `${origin}${path}`;
  return `${origin}${path}?${[...new URLSearchParams(search).keys()].map((name) => `${encodeURIComponent(name)}=`).join('&')}`;
}
