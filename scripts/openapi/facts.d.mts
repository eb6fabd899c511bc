// Types of facts.mjs, for the specs that import it.
/** A schema as the facts hold it: JSON Schema's constraining keys only, plus a short `label`. */
export interface FactSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  label?: string;
  enum?: (string | number)[];
  format?: string;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  maximum?: number;
  minimum?: number;
  sensitive?: unknown;
  properties?: Record<string, FactSchema>;
  required?: string[];
  items?: FactSchema;
  additionalProperties?: FactSchema;
}
/** One operation's facts (see scripts/openapi/README.md). */
export interface FactOperation {
  template: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  tree: 'v3' | 'hk' | 'global' | 'v2';
  /** The operation's short name (its summary when that is a label, a trailing `API` dropped). */
  name?: string;
  request: 'json' | 'multipart' | 'xml';
  answer: 'json' | 'xml' | 'file' | 'none';
  status: number;
  host?: string;
  certificate?: true;
  deprecated?: true;
  produces?: string[];
  path?: FactSchema;
  query?: FactSchema;
  headers?: FactSchema;
  body?: FactSchema;
  bodyRequired?: true;
  upload?: { field: string; meta?: FactSchema; fields?: FactSchema };
  response?: FactSchema;
}
export interface Facts {
  source: { repository: string; license: string; commit: string };
  counts: Record<string, number>;
  /** The callback event types (`event_type`) of v3/webhooks. */
  events: string[];
  operations: FactOperation[];
}
export const TREES: readonly string[];
export function labelOf(description: unknown): string | undefined;
export function nameOf(summary: unknown): { name: string; trimmed: boolean; reason?: never } | { name?: never; trimmed?: never; reason: string };
export function variablesOf(template: string): string[];
export function importDocs(docs: string, options?: { commit?: string; overlay?: Record<string, Record<string, Record<string, unknown>>> }): { facts: Facts; report: Record<string, string[]>; names: { kept: number; trimmed: number; leftOut: number } };
