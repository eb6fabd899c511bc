/**
 * Where an operation's encrypted fields sit, read from the generated table (lib/endpoints/encrypted.ts):
 * the client checks them before sending, the sandbox opens them on arrival. Only the listed paths
 * are walked; a field not listed is never looked at.
 */
import { ENCRYPTED } from '../endpoints/encrypted.js';
import { ArgumentError } from '../errors.js';
import { describeUnsealed, isSealed } from './sealed.js';

/** Where a value travels: the `json` body, the `query`, an upload's `meta`, or the answer (`response`). */
export type SealedRoot = 'json' | 'query' | 'meta' | 'response';

/** One encrypted field, compiled from its dotted table path: its root and the steps below it (`[]`: each item of a list). */
export interface SealedPlace {
  readonly root: SealedRoot;
  readonly steps: readonly string[];
}

/** Compiled places, by the table's own list of paths: one compilation per operation and side. */
const compiled = new WeakMap<readonly string[], readonly SealedPlace[]>();
const NONE: readonly SealedPlace[] = [];

/** The encrypted fields of one operation's request or answer, compiled once per operation and side. */
export function sealedPlaces(template: string, method: string, side: 'request' | 'answer'): readonly SealedPlace[] {
  const paths = ENCRYPTED[template]?.[method.toLowerCase()]?.[side];
  if (!paths) return NONE;
  let places = compiled.get(paths);
  if (!places) {
    places = paths.map((path) => {
      const [root, ...steps] = path.replace(/\[\]/g, '.[]').split('.');
      return { root: root as SealedRoot, steps };
    });
    compiled.set(paths, places);
  }
  return places;
}

/** Puts a new value where a visited one was. */
export type Replace = (value: unknown) => void;

/**
 * Calls `visit` with each value present at `places` in `roots` (absent and `null` fields are left
 * alone: optional stays optional), the field's path as WeChat Pay's `detail.field` names it
 * (`transfer_detail_list[0].user_name`), its root, and a `replace` that puts another value there.
 * Stops at the first `visit` that returns a value, and returns it.
 */
export function findSealed<T>(places: readonly SealedPlace[], roots: Partial<Record<SealedRoot, unknown>>, visit: (value: unknown, field: string, root: SealedRoot, replace: Replace) => T | undefined): T | undefined {
  const walk = (holder: Record<string | number, unknown>, key: string | number, steps: readonly string[], index: number, field: string, root: SealedRoot): T | undefined => {
    const value = holder[key];
    if (value === undefined || value === null) return undefined;
    if (index === steps.length) return visit(value, field, root, (next) => { holder[key] = next; });
    const step = steps[index]!;
    if (step === '[]') {
      if (!Array.isArray(value)) return undefined;
      for (let position = 0; position < value.length; position += 1) {
        const found = walk(value as unknown[] as Record<number, unknown>, position, steps, index + 1, `${field}[${position}]`, root);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (typeof value !== 'object') return undefined;
    return walk(value as Record<string, unknown>, step, steps, index + 1, field ? `${field}.${step}` : step, root);
  };
  for (const place of places) {
    const found = walk(roots as Record<string, unknown>, place.root, place.steps, 0, '', place.root);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses a request whose encrypted field holds anything that cannot be an RSA-OAEP ciphertext of
 * `bytes()` bytes (clear text above all), naming the field, never quoting its value. `roots` and
 * `bytes` are asked for only when the operation has encrypted fields: most calls pay one lookup.
 *
 * @throws ArgumentError `ERR_CIPHERTEXT`.
 */
export function checkSealed(template: string, method: string, roots: () => Partial<Record<SealedRoot, unknown>>, bytes: () => number): void {
  const places = sealedPlaces(template, method, 'request');
  if (places.length === 0) return;
  const size = bytes();
  const problem = findSealed(places, roots(), (value, field, root) => (isSealed(value, size) ? undefined : `${root === 'json' ? '' : `${root === 'meta' ? 'upload.meta' : root}.`}${field} must be a ciphertext (wxpay.encrypt(plaintext) or Sealed.from(text)); it is ${describeUnsealed(value, size)}`));
  if (problem !== undefined) throw new ArgumentError('ERR_CIPHERTEXT', `${method.toUpperCase()} ${template}: ${problem}`);
}
