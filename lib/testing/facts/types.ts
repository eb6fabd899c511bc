/**
 * The facts the sandbox serves operations from: the shape `scripts/openapi/facts.json` holds
 * (and the runtime table generated from it), JSON Schema's constraining keys plus a short label.
 */

/** A schema as the facts hold it. */
export interface FactSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  label?: string;
  enum?: readonly (string | number)[];
  format?: string;
  maxLength?: number;
  minLength?: number;
  /** Written `/…/`, as the description writes it. */
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  maximum?: number;
  minimum?: number;
  properties?: Readonly<Record<string, FactSchema>>;
  required?: readonly string[];
  items?: FactSchema;
  additionalProperties?: FactSchema;
}

/** One operation's facts. */
export interface FactOperation {
  template: string;
  method: string;
  /** `json`, `multipart` or `xml`: only `json` requests are validated and answered. */
  request: string;
  /** `json`, `none` (no body), `file` or `xml`. */
  answer: string;
  /** The success status. */
  status: number;
  path?: FactSchema;
  query?: FactSchema;
  headers?: FactSchema;
  body?: FactSchema;
  bodyRequired?: boolean;
  response?: FactSchema;
}
