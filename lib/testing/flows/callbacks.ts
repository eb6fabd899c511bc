/**
 * Callbacks as WeChat Pay delivers them: a signed, encrypted POST to the merchant's
 * `notify_url`, retried on anything but a 2xx reply on a schedule like WeChat Pay's, only
 * compressed in time. Only loopback URLs are called; any other is recorded and never contacted.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { SandboxEvent, SandboxNotification } from '../notification.js';
import { loopbackURL } from '../loopback.js';
import { beijingTime } from '../beijing-time.js';

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
  /** When the next retry is due, while one is scheduled. */
  next_retry_at?: string;
}

/** Sends callbacks and keeps their records. */
export class CallbackSender {
  readonly records: CallbackRecord[] = [];
  // The pending retry of each record, by id: a resend replaces it rather than running beside it.
  readonly #timers = new Map<string, NodeJS.Timeout>();
  // What each record delivers, kept off the record, which is listed to any loopback caller.
  readonly #events = new Map<string, SandboxEvent & { id: string }>();

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
    this.#events.set(event.id, event);
    await this.#deliver(record, 0);
    return record;
  }

  /**
   * Delivers a callback again, as a merchant asks WeChat Pay to (the dashboard's resend button):
   * a new series of tries on the same record; `undefined` for an unknown id.
   */
  async resend(id: string): Promise<CallbackRecord | undefined> {
    const record = this.records.find((each) => each.id === id);
    if (!record) return undefined;
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    record.state = 'pending';
    await this.#deliver(record, 0);
    return record;
  }

  async #deliver(record: CallbackRecord, index: number): Promise<void> {
    const target = loopbackURL(record.url);
    if (!target) {
      record.state = 'refused';
      return;
    }
    delete record.next_retry_at;
    const outcome = await post(target, await this.build(this.#events.get(record.id)!));
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
    record.next_retry_at = beijingTime(new Date(Date.now() + delay));
    const timer = setTimeout(() => {
      this.#timers.delete(record.id);
      void this.#deliver(record, index + 1);
    }, delay);
    timer.unref();
    this.#timers.set(record.id, timer);
  }

  /** Stops every pending retry. */
  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const record of this.records) {
      if (record.state !== 'pending') continue;
      record.state = 'failed';
      delete record.next_retry_at;
    }
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
