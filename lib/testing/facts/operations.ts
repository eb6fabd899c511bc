/**
 * The operations the sandbox serves by default: the generated runtime table of the facts
 * (lib/endpoints/schemas.ts), flattened once per process on first use.
 */
import { schemas, type RuntimeOperation, type RuntimeSchema } from '../../endpoints/schemas.js';

/** A schema as the facts hold it. */
export type FactSchema = RuntimeSchema;

/** One operation's facts, named by its template and method (an entry of `facts.json`'s `operations`). */
export interface FactOperation extends RuntimeOperation {
  template: string;
  method: string;
}

let all: readonly FactOperation[] | undefined;

/** Every operation of the generated table. */
export function generatedOperations(): readonly FactOperation[] {
  all ??= Object.entries(schemas()).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ ...operation!, template, method })));
  return all;
}
