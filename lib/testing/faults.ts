/**
 * Fault switches: ways for a test to make the sandbox misbehave on purpose, either for the next
 * few requests or at a rate. Rates are deterministic (no randomness), so a failing test fails
 * the same way every run.
 */

/**
 * What a fault does to one request:
 * - `tamper-body`: the answer body is altered after signing (client: `ERR_RESPONSE_SIGNATURE`);
 * - `wrong-serial`: `Wechatpay-Serial` names a key the client does not have (`ERR_RESPONSE_SERIAL`);
 * - `stale-timestamp`: the answer is signed ten minutes in the past (`ERR_RESPONSE_TIMESTAMP`);
 * - `missing-headers`: the four `Wechatpay-*` headers are left out (`ERR_RESPONSE_HEADERS`);
 * - `probe-signature`: the signature is a `WECHATPAY/SIGNTEST/` probe (`ERR_SIGNATURE_PROBE`);
 * - `system-error`: a signed `500 SYSTEM_ERROR` answer, after the `Authorization` check passed;
 * - `delay`: the answer is held back for {@link Faults.delayMs} milliseconds;
 * - `reset`: no answer at all: the server destroys the connection, msw fails the request.
 */
export type Fault =
  | 'tamper-body'
  | 'wrong-serial'
  | 'stale-timestamp'
  | 'missing-headers'
  | 'probe-signature'
  | 'system-error'
  | 'delay'
  | 'reset';

/** Every {@link Fault}, in the order documented. */
export const FAULTS: readonly Fault[] = [
  'tamper-body',
  'wrong-serial',
  'stale-timestamp',
  'missing-headers',
  'probe-signature',
  'system-error',
  'delay',
  'reset',
];

/** The fault switches of one sandbox: `sandbox.faults`. Switches are independent; several may hit one request. */
export class Faults {
  /** How long the `delay` fault holds an answer back. */
  delayMs: number;
  readonly #pending = new Map<Fault, number>();
  readonly #rates = new Map<Fault, { fraction: number; credit: number }>();

  constructor(delayMs = 1000) {
    this.delayMs = delayMs;
  }

  /** Applies `fault` to each of the next `times` requests the sandbox receives. */
  next(fault: Fault, times = 1): this {
    if (!FAULTS.includes(fault)) throw new TypeError(`unknown sandbox fault: ${String(fault)}`);
    if (!Number.isInteger(times) || times < 0) throw new RangeError('times must be a non-negative integer');
    if (times > 0) this.#pending.set(fault, (this.#pending.get(fault) ?? 0) + times);
    return this;
  }

  /**
   * Applies `fault` to a `fraction` (0 to 1) of requests from now on, evenly spread and without
   * randomness: 0.25 hits the 4th, 8th, 12th… request. A fraction of 0 turns the rate off.
   */
  rate(fault: Fault, fraction: number): this {
    if (!FAULTS.includes(fault)) throw new TypeError(`unknown sandbox fault: ${String(fault)}`);
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError('fraction must be between 0 and 1');
    if (fraction === 0) this.#rates.delete(fault);
    else this.#rates.set(fault, { fraction, credit: 0 });
    return this;
  }

  /** Turns every switch off. */
  clear(): this {
    this.#pending.clear();
    this.#rates.clear();
    return this;
  }

  /** Called by the gateway once per request: the faults that hit it, each switch consumed or advanced. */
  draw(): Set<Fault> {
    const hit = new Set<Fault>();
    for (const [fault, left] of this.#pending) {
      hit.add(fault);
      if (left > 1) this.#pending.set(fault, left - 1);
      else this.#pending.delete(fault);
    }
    for (const [fault, rate] of this.#rates) {
      // Error diffusion: accumulate the fraction and fire each time a whole request's worth is owed.
      rate.credit += rate.fraction;
      if (rate.credit >= 1 - 1e-9) {
        rate.credit -= 1;
        hit.add(fault);
      }
    }
    return hit;
  }
}
