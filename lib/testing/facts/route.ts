/**
 * Every operation of the facts, served: a request is checked against its operation's facts
 * (path variables, query, headers, JSON body) before any flow sees it, and one that no flow
 * serves gets a signed, schema-valid, deterministic answer made up from the answer's facts.
 */
import type { KeyObject } from 'node:crypto';
import { Rsa } from '../../crypto/rsa.js';
import { findSealed, sealedPlaces } from '../../crypto/sealed-fields.js';
import type { Answer } from '../endpoints.js';
import type { Route } from '../gateway.js';
import { synthesize } from './synthetic.js';
import type { FactOperation, FactSchema } from './operations.js';
import { check, type Violation } from './validate.js';
import { checkSealedFields, type SealingKey } from './sealed.js';
import { COMPUTED_META, UPLOADS } from '../../endpoints/uploads.js';

interface Compiled {
  operation: FactOperation;
  pattern: RegExp;
  variables: string[];
}

/**
 * A request's bucket: method, segment count and the first three segments, which are literal in
 * every template of the facts; this keeps a lookup to a handful of patterns.
 */
const bucketOf = (method: string, path: string) => {
  const segments = path.split('/');
  return `${method} ${segments.length} ${segments.slice(0, 3).join('/')}`;
};

/** The operations by bucket, the most literal templates first so `…/refunds/{no}` never shadows `…/refunds/apply`. */
function compile(operations: readonly FactOperation[]): Map<string, Compiled[]> {
  const byBucket = new Map<string, Compiled[]>();
  for (const operation of operations) {
    // APIv2 (XML) is the v2 core's; an upload's meta is checked like a JSON body.
    if (operation.request === 'xml' || operation.template.startsWith('v2/')) continue;
    const variables: string[] = [];
    const source = operation.template.split(/(\{[^}]+\})/).map((part) => {
      const variable = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (variable === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      variables.push(variable);
      return '([^/]+)';
    }).join('');
    const bucket = /\{/.test(operation.template.split('/').slice(0, 3).join('/'))
      ? `${operation.method.toUpperCase()} *`
      : bucketOf(operation.method.toUpperCase(), operation.template);
    const list = byBucket.get(bucket) ?? [];
    list.push({ operation, pattern: new RegExp(`^${source}$`), variables });
    byBucket.set(bucket, list);
  }
  for (const list of byBucket.values()) {
    list.sort((a, b) => a.variables.length - b.variables.length || b.operation.template.length - a.operation.template.length);
  }
  return byBucket;
}

const paramError = ({ field, location, message }: Violation): Answer => ({ status: 400, body: { code: 'PARAM_ERROR', message, detail: { field, location } } });

/** Compiled tables by operations list: the default list is compiled once per process, not per sandbox. */
const compiled = new WeakMap<readonly FactOperation[], Map<string, Compiled[]>>();

/**
 * The two routes: `check` goes before the stateful flows, `answer` after everything else. Encrypted
 * request fields must open under `keys.platform`; encrypted answer fields are sealed under
 * `keys.merchant`, as WeChat Pay seals them, so that `wxpay.decrypt()` reads them.
 */
export function factsRoutes(operations: readonly FactOperation[], seed: string, keys: { platform: SealingKey; merchant: KeyObject }): { check: Route; answer: Route } {
  const { platform } = keys;
  // RSA-OAEP is randomised: one ciphertext per text keeps the made-up answers deterministic.
  const sealedTexts = new Map<string, string>();
  const sealFor = (text: string) => {
    let sealed = sealedTexts.get(text);
    if (sealed === undefined) sealedTexts.set(text, (sealed = Rsa.encrypt(text, keys.merchant)));
    return sealed;
  };
  let byBucket = compiled.get(operations);
  if (!byBucket) {
    byBucket = compile(operations);
    compiled.set(operations, byBucket);
  }
  const table = byBucket;
  const find = (method: string, path: string) => {
    for (const bucket of [bucketOf(method, path), `${method} *`]) {
      for (const entry of table.get(bucket) ?? []) {
        const match = entry.pattern.exec(path);
        if (match) return { compiled: entry, raw: match.slice(1) };
      }
    }
    return undefined;
  };
  const variablesOf = (compiled: Compiled, raw: string[]): Record<string, string> | Violation => {
    const values: Record<string, string> = {};
    for (const [index, name] of compiled.variables.entries()) {
      try {
        values[name] = decodeURIComponent(raw[index]!);
      } catch {
        return { field: name, location: 'path', message: `${name} is not a well-encoded path value` };
      }
    }
    return values;
  };

  const checkRoute: Route = (method, path, query, body, request) => {
    const found = find(method, path);
    if (!found) return undefined;
    const { operation } = found.compiled;
    const variables = variablesOf(found.compiled, found.raw);
    if ('location' in variables && typeof variables.location === 'string' && 'message' in variables) return paramError(variables as Violation);
    const queryObject = Object.fromEntries(query);
    const parts: [FactSchema | undefined, unknown, string, boolean][] = [
      [operation.path, variables, 'path', true],
      [operation.query, queryObject, 'query', true],
      [operation.headers, Object.fromEntries(Object.keys(operation.headers?.properties ?? {}).map((name) => [name, request.headers.get(name) ?? undefined])), 'header', true],
    ];
    for (const [schema, value, location, fromText] of parts) {
      const problem = schema && check(schema, value, '', location, fromText);
      if (problem) return paramError(problem);
    }
    const field = operation.upload?.field ?? 'file';
    if (operation.request === 'multipart' && request.uploadField !== field) {
      return paramError({ field, location: 'body', message: `the file must come in the form field ${field}` });
    }
    // An upload's own text fields (item_id, …) come as form fields, so as text.
    const fieldsProblem = operation.request === 'multipart' && operation.upload?.fields && check(operation.upload.fields, request.uploadFields ?? {}, '', 'formData', true);
    if (fieldsProblem) return paramError(fieldsProblem);
    const bodySchema = operation.request === 'multipart' ? operation.upload?.meta : operation.body;
    // The meta fields the client computes from the file (filename, sha256) are required wherever
    // the operation's meta has them, whatever the facts' `required` says: they are what ties the
    // signed meta to the file.
    const computed = operation.request === 'multipart' ? UPLOADS[operation.template]?.computed ?? COMPUTED_META : [];
    let json: unknown;
    if (bodySchema || computed.length) {
      if (body.length === 0) return operation.bodyRequired ? paramError({ field: 'body', location: 'body', message: 'the body is required' }) : undefined;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return paramError({ field: 'body', location: 'body', message: 'the body is not valid JSON' });
      }
      const missing = computed.find((name) => typeof (json as Record<string, unknown> | null)?.[name] !== 'string' || (json as Record<string, string>)[name] === '');
      if (missing) return paramError({ field: missing, location: 'body', message: `meta.${missing} is missing` });
      const problem = bodySchema && check(bodySchema, json, '', 'body');
      if (problem) return paramError(problem);
    }
    const sealed = checkSealedFields(operation.template, operation.method, { [operation.request === 'multipart' ? 'meta' : 'json']: json, query: queryObject }, request.headers, platform);
    return sealed && paramError(sealed);
  };

  const answerRoute: Route = (method, path, query) => {
    const found = find(method, path);
    if (!found) return undefined;
    const { operation, variables } = found.compiled;
    if (operation.answer === 'none') return { status: operation.status };
    const known = { ...Object.fromEntries(query), ...Object.fromEntries(variables.map((name, index) => [name, decodeURIComponent(found.raw[index]!)])) };
    const key = `${seed}|${operation.method.toUpperCase()} ${operation.template}`;
    if (operation.answer === 'file') return { status: operation.status, file: { bytes: Buffer.from(`sandbox file ${key}\n`), contentType: 'application/octet-stream' } };
    const body = synthesize(operation.response ?? { type: 'object' }, key, '', known) as object;
    findSealed(sealedPlaces(operation.template, operation.method, 'answer'), { response: body }, (value, _field, _root, replace) => replace(sealFor(String(value))));
    return { status: operation.status, body };
  };

  return { check: checkRoute, answer: answerRoute };
}
