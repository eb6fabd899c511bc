/**
 * Callbacks as WeChat Pay delivers them: a signed, encrypted POST to the merchant's
 * `notify_url`, retried on anything but a 2xx reply on a schedule like WeChat Pay's, only
 * compressed in time. Only loopback URLs are called; any other is recorded and never contacted.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { SandboxEvent, SandboxNotification } from '../notification.js';
import { loopbackURL } from '../loopback.js';
import { beijingTime } from '../certificates.js';

/** WeChat Pay retries 15 s, 15 s, 30 s, 3 min … over 24 h; the sandbox doubles from 1 s, nine tries in all. */
export const DEFAULT_CALLBACK_RETRY_DELAYS: readonly number[] = [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000];

/** How long one try waits for the merchant's reply. */
const TRY_TIMEOUT_MS = 5000;

/** One delivery attempt: when, and the HTTP status (`null` when no reply came: refused, reset, timed out). */
export interface CallbackTry {
  at: string;
  status: number | null;
  error?: string;
}

/** A callback and its delivery, as `sandbox.callbacks` and `GET /sandbox/callbacks` list it. */
export interface CallbackRecord {
  /** The envelope `id`. */
  id: string;
  url: string;
  event_type: string;
  /** The merchant's number the event is about (`out_trade_no`, `out_refund_no`, `out_bill_no`). */
  subject: string;
  tries: CallbackTry[];
  /** `pending` while tries are left, then `delivered` or `failed`; `refused` for a URL that is not loopback. */
  state: 'pending' | 'delivered' | 'failed' | 'refused';
}

/** Sends callbacks and keeps their records. */
export class CallbackSender {
  readonly records: CallbackRecord[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly build: (event: SandboxEvent) => Promise<SandboxNotification>,
    readonly retryDelays: readonly number[] = DEFAULT_CALLBACK_RETRY_DELAYS,
  ) {
    if (!Array.isArray(retryDelays) || !retryDelays.every((ms) => Number.isFinite(ms) && ms >= 0)) {
      throw new TypeError('callbackRetryDelays must be an array of non-negative numbers of ms');
    }
  }

  /**
   * Sends `event` to `url`; resolves with its record once the first try is over (retries go
   * on in the background). The envelope is built anew for each try, as WeChat Pay signs each.
   */
  async send(url: string, callback: SandboxEvent, subject: string): Promise<CallbackRecord> {
    const event = { ...callback, id: callback.id ?? randomUUID() };
    const record: CallbackRecord = { id: event.id, url, event_type: event.event_type, subject, tries: [], state: 'pending' };
    this.records.push(record);
    const target = loopbackURL(url);
    if (!target) {
      record.state = 'refused';
      return record;
    }
    const attempt = async (index: number): Promise<void> => {
      const outcome = await post(target, await this.build(event));
      record.tries.push({ at: beijingTime(new Date()), ...outcome });
      if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
        record.state = 'delivered';
        return;
      }
      const delay = this.retryDelays[index];
      if (delay === undefined) {
        record.state = 'failed';
        return;
      }
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void attempt(index + 1);
      }, delay);
      timer.unref();
      this.#timers.add(timer);
    };
    await attempt(0);
    return record;
  }

  /** Stops every pending retry. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const record of this.records) if (record.state === 'pending') record.state = 'failed';
  }
}

/** One POST with node:http, straight to the loopback address: no proxy, no redirect followed. */
function post(url: URL, { body, headers }: SandboxNotification): Promise<Omit<CallbackTry, 'at'>> {
  return new Promise((resolve) => {
    const outgoing = request({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || 80,
      path: url.pathname + url.search,
      method: 'POST',
      agent: false,
      timeout: TRY_TIMEOUT_MS,
      headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'User-Agent': 'Mozilla/4.0' },
    }, (incoming) => {
      incoming.resume();
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? null }));
      incoming.on('error', () => resolve({ status: incoming.statusCode ?? null }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no reply within ${TRY_TIMEOUT_MS} ms`)));
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve({ status: null, error: error.code ?? error.message }));
    outgoing.end(body);
  });
}
