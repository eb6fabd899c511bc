// Reads a checkout of TheNorthMemory/wechatpay-openapi (Swagger 2.0, one YAML per path under
// docs/) into facts: per operation its template, method, parameters and schemas, with every $ref
// resolved and allOf merged. Facts only: no description, summary or example is carried over,
// except a field's short label (see labelOf) and an operation's short name (see nameOf). Every
// oddity met is recorded in the report.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

/** The trees imported, and the template prefix each one's operations get. */
export const TREES = ['v3', 'hk', 'global', 'v2'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array']);
/** WeChat Pay's Hong Kong host: the `v3/global/…` family is served there. */
const HK_HOST = 'https://apihk.mch.weixin.qq.com/';
/** Schema keys carried over as they are (beside type, properties, items, required, enum). */
const KEPT = ['format', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'maximum', 'minimum'];
/** Keys that describe, not constrain: dropped without a word. */
const PROSE = new Set(['description', 'summary', 'example', 'examples', 'title', 'default', 'xml', 'x-json', 'x-urlencode', 'nullable', 'depracted', 'deprecated']);

/**
 * A field's short label: its description when that is a label (at most 24 characters, one line, no
 * sentence punctuation, no link or markup); anything longer is prose and is dropped.
 */
export function labelOf(description) {
  if (typeof description !== 'string') return undefined;
  const text = description.trim();
  if (text === '' || [...text].length > 24) return undefined;
  if (/[\n。，、；：！？,;:!?.`*[\]<>|#"'=]/.test(text) || /https?:/.test(text)) return undefined;
  return text;
}

/**
 * An operation's name: its `summary` when that is a label (see labelOf) once a trailing `API` is
 * dropped (`JSAPI下单API` → `JSAPI下单`). `{ name, trimmed }` when kept (`trimmed`: `API` was
 * dropped), `{ reason }` when left out; the reason never quotes the summary.
 */
export function nameOf(summary) {
  if (typeof summary !== 'string' || summary.trim() === '') return { reason: 'no summary' };
  const text = summary.trim();
  const short = text.replace(/\s*API$/i, '');
  const name = labelOf(short);
  if (name !== undefined) return { name, trimmed: short !== text };
  const length = [...short].length;
  return { reason: length > 24 ? `${length} characters, over 24` : 'not a label (sentence punctuation, markup or a line break)' };
}

/** The `{vars}` of a template, in order. */
export function variablesOf(template) {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
}

/** The YAML files under a folder, sorted. */
function yamlFiles(folder) {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? yamlFiles(path) : name.endsWith('.yaml') ? [path] : [];
    });
}

class Report {
  constructor() {
    this.items = new Map();
  }

  /** Records one oddity of a kind, at a place (operation or file). */
  add(kind, where, detail) {
    if (!this.items.has(kind)) this.items.set(kind, []);
    this.items.get(kind).push(detail === undefined ? where : `${where}: ${detail}`);
  }

  toJSON() {
    return Object.fromEntries([...this.items].sort(([a], [b]) => a.localeCompare(b)).map(([kind, list]) => [kind, [...new Set(list)].sort()]));
  }
}

/**
 * Imports the docs/ folder of a checkout. `overlay` holds facts that win over the YAML (the seed
 * endpoints' enums, taken from their hand-written pages; hosts the YAML does not name):
 * `{ template: { method: { 'json.a.b': { enum }, host: 'https://…/' } } }`.
 */
export function importDocs(docs, { commit, overlay = {} } = {}) {
  const report = new Report();
  const files = new Map();
  const load = (file) => {
    if (!files.has(file)) files.set(file, parse(readFileSync(file, 'utf8')));
    return files.get(file);
  };
  const where = (file) => relative(docs, file);

  /** The node a `$ref` names: `other.yaml#/Name`, `other.yaml#Name`, `#/a/b` or a whole file. */
  const deref = (ref, file) => {
    const [path, pointer = ''] = ref.split('#');
    const target = path ? resolve(dirname(file), path) : file;
    let node = load(target);
    for (const key of pointer.replace(/^\//, '').split('/').filter(Boolean)) node = node?.[decodeURIComponent(key.replace(/~1/g, '/').replace(/~0/g, '~'))];
    if (node === undefined) throw new Error(`${where(file)}: $ref ${ref} names nothing`);
    return { node, file: target };
  };

  /** A schema with $refs resolved and allOf merged, reduced to facts. */
  const normalize = (input, file, at, seen = []) => {
    if (input === null || typeof input !== 'object') return {};
    const schema = input;
    const from = file;
    if (schema.$ref) {
      const key = `${from}#${schema.$ref}`;
      if (seen.includes(key)) throw new Error(`${at}: $ref cycle through ${schema.$ref}`);
      const { node, file: target } = deref(schema.$ref, from);
      const { $ref: _ref, ...siblings } = schema;
      // Siblings of a $ref (type, description) are merged under the target's facts.
      const resolved = normalize(node, target, at, [...seen, key]);
      return merge(resolved, normalize(siblings, from, at, seen), at, false);
    }
    if (Array.isArray(schema.allOf)) {
      const { allOf, ...rest } = schema;
      let merged = normalize(rest, from, at, seen);
      for (const part of allOf) merged = merge(merged, normalize(part, from, at, seen), at, true);
      return merged;
    }
    const out = {};
    let type = schema.type;
    if (type !== undefined && !TYPES.has(type)) {
      const fixed = typeof type === 'string' && TYPES.has(type.trim()) ? type.trim() : type === 'int' ? 'integer' : typeof type === 'string' && type.startsWith('string') ? 'string' : schema.properties ? 'object' : 'string';
      report.add('type-fixed', at, `${JSON.stringify(type)} → ${fixed}`);
      type = fixed;
    }
    if (type === undefined && schema.properties) type = 'object';
    if (type === undefined && schema.items) type = 'array';
    if (type === 'file') type = undefined;
    if (type !== undefined) out.type = type;
    const label = labelOf(schema.description);
    if (label) out.label = label;
    if (Array.isArray(schema.enum)) {
      const values = schema.enum.filter((value) => value !== null && value !== undefined).map((value) => (type === 'integer' || type === 'number' ? value : String(value)));
      if (values.length) out.enum = [...new Set(values)];
    }
    for (const key of KEPT) if (schema[key] !== undefined) out[key] = schema[key];
    if (schema['x-is-sensitive'] !== undefined) out.sensitive = schema['x-is-sensitive'];
    if (schema.properties && typeof schema.properties === 'object') {
      out.properties = {};
      for (const [name, child] of Object.entries(schema.properties)) out.properties[name] = normalize(child, from, `${at}.${name}`, seen);
    }
    if (schema.items) out.items = normalize(schema.items, from, `${at}[]`, seen);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.additionalProperties = normalize(schema.additionalProperties, from, `${at}{}`, seen);
    const required = [...(Array.isArray(schema.required) ? schema.required : []), ...(Array.isArray(schema.require) ? schema.require : [])];
    if (Array.isArray(schema.require)) report.add('require-means-required', at);
    if (required.length) out.required = [...new Set(required)];
    const stray = Object.keys(schema).filter((key) => !PROSE.has(key) && !KEPT.includes(key) && !['type', 'enum', 'properties', 'items', 'required', 'require', 'additionalProperties', 'x-is-sensitive', '$ref', 'allOf'].includes(key));
    if (stray.length) report.add('stray-schema-keys-dropped', at, stray.join(', '));
    return out;
  };

  /** Merges two normalized schemas, `later` over `earlier` (allOf parts in order; a $ref's siblings over its target). */
  const merge = (earlier, later, at, isAllOf) => {
    if (Object.keys(earlier).length === 0) return later;
    if (Object.keys(later).length === 0) return earlier;
    const out = { ...earlier, ...later };
    if (earlier.type && later.type && earlier.type !== later.type) report.add('allof-type-conflict', at, `${earlier.type} / ${later.type}, kept ${later.type}`);
    if (earlier.enum && later.enum) {
      out.enum = [...new Set([...earlier.enum, ...later.enum])];
      if (isAllOf) report.add('allof-enum-union', at);
    }
    if (earlier.properties || later.properties) {
      // A property both sides define is merged too: allOf extends nested objects, it does not replace them.
      out.properties = { ...earlier.properties };
      for (const [name, schema] of Object.entries(later.properties ?? {})) {
        out.properties[name] = earlier.properties?.[name] ? merge(earlier.properties[name], schema, `${at}.${name}`, isAllOf) : schema;
      }
    }
    if (earlier.required || later.required) out.required = [...new Set([...(earlier.required ?? []), ...(later.required ?? [])])];
    return out;
  };

  /** Drops `required` names with no property (recursively), recording each. */
  const tidy = (schema, at) => {
    if (schema.properties) {
      if (schema.required) {
        const kept = schema.required.filter((name) => name in schema.properties);
        for (const name of schema.required) if (!kept.includes(name)) report.add('required-without-property-dropped', at, name);
        if (kept.length) schema.required = kept;
        else delete schema.required;
      }
      for (const [name, child] of Object.entries(schema.properties)) tidy(child, `${at}.${name}`);
    } else if (schema.required && schema.type !== 'object') {
      for (const name of schema.required) report.add('required-without-property-dropped', at, name);
      delete schema.required;
    }
    if (schema.items) tidy(schema.items, `${at}[]`);
    if (schema.additionalProperties) tidy(schema.additionalProperties, `${at}{}`);
    return schema;
  };

  // Every YAML under the trees is an operation file, named as its path (`{empty}.yaml` is a
  // trailing `/`); swagger.yaml's index is only cross-checked, since it may lag behind the files.
  const swagger = load(join(docs, 'swagger.yaml'));
  const indexed = new Set(Object.values(swagger.paths ?? {}).map((entry) => resolve(docs, entry.$ref)));
  const operations = [];
  const events = [];
  /** How the operations' names went (nameOf): kept as written, kept with `API` dropped, left out. */
  const names = { kept: 0, trimmed: 0, leftOut: 0 };
  for (const tree of TREES) {
    for (const file of yamlFiles(join(docs, tree))) {
      const template = where(file).replace(/\{empty\}\.yaml$/, '').replace(/\.yaml$/, '');
      if (!indexed.has(file)) report.add('not-in-swagger-index', template);
      if (template === 'v3/webhooks') {
        report.add('not-an-endpoint', template, 'the callback envelope WeChat Pay POSTs to merchants; its event_type enum is kept as `events`');
        const eventType = load(file).WechatpayNotificationEventType;
        if (Array.isArray(eventType?.enum)) events.push(...eventType.enum.map(String));
        continue;
      }
      if (template.endsWith('/')) report.add('trailing-slash-kept', template);
      if (tree === 'v2' && template.split('/').some((segment) => /[A-Z]/.test(segment))) report.add('v2-mixed-case-segment', template, 'no chained property spells it; typed in chain() and bracket styles');
      const doc = load(file);
      for (const method of METHODS) {
        if (!doc[method]) continue;
        operations.push(operationOf({ template, method, tree, spec: doc[method], file, normalize, tidy, deref, report, names }));
      }
      for (const key of Object.keys(doc)) if (!METHODS.includes(key) && !/^[A-Z]/.test(key)) report.add('unknown-path-key', template, key);
    }
  }
  for (const op of operations) {
    relaxAlternatives(op, report);
    markEncrypted(op, report);
    applyOverlay(op, overlay[op.template]?.[op.method], report);
  }
  // An overlay entry no operation takes (a typo, an operation gone upstream) would win nothing, silently.
  const stray = Object.entries(overlay).flatMap(([template, methods]) => Object.keys(methods).filter((method) => !operations.some((op) => op.template === template && op.method === method)).map((method) => `${method.toUpperCase()} ${template}`));
  if (stray.length) throw new Error(`overlay: no such operation: ${stray.join(', ')}`);
  operations.sort((a, b) => (a.template === b.template ? METHODS.indexOf(a.method) - METHODS.indexOf(b.method) : a.template < b.template ? -1 : 1));
  const counts = Object.fromEntries(TREES.map((tree) => [tree, operations.filter((op) => op.tree === tree).length]));
  return {
    facts: { source: { repository: 'TheNorthMemory/wechatpay-openapi', license: 'MIT', commit }, counts, events: [...new Set(events)].sort(), operations },
    report: report.toJSON(),
    names,
  };
}

/** One operation's facts. */
function operationOf({ template, method, tree, spec, file, normalize, tidy, deref, report, names }) {
  const at = `${method.toUpperCase()} ${template}`;
  const op = { template, method, tree, ...namedOf(spec.summary, at, report, names) };
  const consumes = spec.consumes ?? [];
  const produces = spec.produces ?? [];
  op.request = consumes.includes('multipart/form-data') ? 'multipart' : tree === 'v2' || consumes.includes('application/xml') ? 'xml' : 'json';
  const host = spec['x-base-uri'] ?? spec['x-baseuri'];
  if (spec['x-baseuri']) report.add('x-baseuri-spelling', at, 'x-baseuri read as x-base-uri');
  if (host) op.host = host;
  else if (template.startsWith('v3/global/')) {
    op.host = HK_HOST;
    report.add('hk-host-for-v3-global', at);
  }
  if (spec['x-api-cert-required']) op.certificate = true;
  if (spec.deprecated) op.deprecated = true;

  const params = { path: [], query: [], header: [], body: [], formData: [] };
  for (const raw of spec.parameters ?? []) {
    const param = raw.$ref ? deref(raw.$ref, file).node : raw;
    if (!params[param.in]) {
      report.add('unknown-parameter-place', at, `${param.name} in ${param.in}`);
      continue;
    }
    if (param.require !== undefined) report.add('require-means-required', at, param.name);
    params[param.in].push({ ...param, required: param.required ?? param.require });
  }
  const fieldOf = (param, place) => {
    const { name: _n, in: _i, required: _r, require: _q, schema, ...rest } = param;
    const own = normalize(rest, file, `${at} ${place}.${param.name}`);
    return schema ? { ...normalize(schema, file, `${at} ${place}.${param.name}`), ...own } : own;
  };
  const objectOf = (list, place) => {
    if (list.length === 0) return undefined;
    const properties = {};
    const required = [];
    for (const param of list) {
      properties[param.name] = fieldOf(param, place);
      if (param.required !== true) continue;
      // The source's own note on this header: it goes with requests that carry encrypted fields,
      // and WeChat Pay serves one without any (a JSAPI prepay) without it. So it is required only
      // where an encrypted field is present, which the encrypted table says, not on every call.
      if (place === 'header' && param.name.toLowerCase() === 'wechatpay-serial') report.add('serial-only-with-encrypted-fields', at);
      else required.push(param.name);
    }
    return required.length ? { type: 'object', properties, required } : { type: 'object', properties };
  };

  // The template's {vars} win over declared path parameters.
  const vars = variablesOf(template);
  const declared = params.path.map((param) => param.name);
  if ([...declared].sort().join() !== [...vars].sort().join()) report.add('path-params-disagree', at, `template {${vars.join('}{')}} vs declared ${declared.join(', ') || 'none'}`);
  if (vars.length) {
    const properties = {};
    for (const name of vars) {
      const param = params.path.find((candidate) => candidate.name === name);
      const field = param ? fieldOf(param, 'path') : {};
      properties[name] = { ...field, type: field.type === 'integer' || field.type === 'number' ? field.type : 'string' };
    }
    op.path = { type: 'object', properties, required: vars };
  }
  const query = objectOf(params.query, 'query');
  if (query) op.query = tidy(query, `${at} query`);
  const headers = objectOf(params.header, 'header');
  if (headers) op.headers = tidy(headers, `${at} header`);
  if (params.body.length > 1) report.add('several-body-parameters', at, 'the first is kept');
  if (params.body[0]) {
    op.body = tidy(normalize(params.body[0].schema ?? {}, file, `${at} body`), `${at} body`);
    if (params.body[0].required === true) op.bodyRequired = true;
  }
  if (op.request === 'multipart') {
    const meta = params.formData.find((param) => param.name === 'meta');
    const fileParam = params.formData.find((param) => param.type === 'file');
    op.upload = { field: fileParam?.name ?? 'file' };
    if (meta?.schema) op.upload.meta = tidy(normalize(meta.schema, file, `${at} meta`), `${at} meta`);
    const extras = params.formData.filter((param) => param !== meta && param !== fileParam);
    // Text fields beside meta and the file: an APIv2 upload's are what its `sign` covers; an APIv3
    // upload's go as plain form fields, outside its signature (which covers `meta` alone).
    if (extras.length) op.upload.fields = tidy(objectOf(extras, 'formData'), `${at} formData`);
    if (tree !== 'v2') for (const extra of extras) report.add('multipart-unsigned-field', at, extra.name);
  } else if (params.formData.length) {
    report.add('form-data-without-multipart', at, params.formData.map((param) => param.name).join(', '));
  }

  const codes = Object.keys(spec.responses ?? {}).filter((code) => /^2\d\d$/.test(code)).sort();
  const code = codes[0];
  const answer = code ? spec.responses[code] ?? {} : {};
  // `schema: {}` says nothing: such an answer is a file, not a JSON object.
  const schema = answer.schema && Object.keys(answer.schema).length ? answer.schema : undefined;
  op.status = code ? Number(code) : 200;
  const fileTypes = produces.filter((type) => !/json|xml/.test(type));
  if (schema) {
    op.response = tidy(normalize(schema, file, `${at} response`), `${at} response`);
    op.answer = tree === 'v2' || produces.includes('application/xml') ? 'xml' : 'json';
  } else if (fileTypes.length || (method === 'get' && op.status === 200 && !answer.headers && tree !== 'v2')) {
    op.answer = 'file';
    if (fileTypes.length) op.produces = fileTypes;
  } else {
    op.answer = op.status === 204 ? 'none' : tree === 'v2' ? 'xml' : 'json';
  }
  if (answer.headers && !schema && tree !== 'v2') {
    // hk/global statements: a bill file whose answer carries WeChat Pay's signature headers.
    op.answer = 'file';
    report.add('file-answer-with-signature-headers', at);
  }
  return op;
}

/** `{ name }` for an operation whose summary is a name (nameOf), else `{}`; tallies it, and reports one left out. */
function namedOf(summary, at, report, names) {
  const { name, trimmed, reason } = nameOf(summary);
  names[name === undefined ? 'leftOut' : trimmed ? 'trimmed' : 'kept'] += 1;
  if (name === undefined) report.add('name-left-out', at, reason);
  return name === undefined ? {} : { name };
}

/**
 * Identifiers WeChat Pay's pages document as alternatives (二选一: an order by `transaction_id` or
 * `out_trade_no`, a refund by `out_refund_no` or `refund_id`), which the YAML lists as all required:
 * typed as required, no call could be written. They stay optional; the report lists each.
 */
const ALTERNATIVES = [['transaction_id', 'out_trade_no'], ['out_refund_no', 'refund_id']];

function relaxAlternatives(op, report) {
  for (const place of ['query', 'body']) {
    const schema = op[place];
    if (!schema?.required) continue;
    for (const pair of ALTERNATIVES.filter((names) => names.every((name) => schema.required.includes(name)))) {
      schema.required = schema.required.filter((name) => !pair.includes(name));
      report.add('alternatives-not-required', `${op.method.toUpperCase()} ${op.template}`, pair.join(' | '));
    }
    if (!schema.required.length) delete schema.required;
  }
}

/**
 * The roots a field is named from, in overlay entries and in the encrypted-fields table: where the
 * value travels in the call (`json`, `query`, `meta` of an upload) or in the answer (`response`).
 */
const rootsOf = (op) => ({ path: op.path, query: op.query, json: op.body, meta: op.upload?.meta, response: op.response });

/**
 * Marks `encrypted: true` on the fields WeChat Pay encrypts with RSA-OAEP: in a request under its
 * public key (the one `Wechatpay-Serial` names), in an answer under the merchant's. The facts say so
 * by `format: base64` on a string or by a parent's `x-is-sensitive` list. APIv2 is left out: its few
 * such fields (`pay_bank`'s `enc_bank_no`, …) are encrypted under another key, fetched by its own
 * call. Where the marks are wrong or silent, overlay.json's `encrypted` fixes them (counted).
 */
function markEncrypted(op, report) {
  if (op.tree === 'v2') return;
  const isText = (schema) => (schema.type === 'string' || schema.type === undefined) && !schema.properties && !schema.items;
  const mark = (schema, at) => {
    schema.encrypted = true;
    report.add('encrypted-field', `${op.method.toUpperCase()} ${op.template}`, at);
  };
  const walk = (schema, at) => {
    if (!schema || typeof schema !== 'object') return;
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      const sensitive = Array.isArray(schema.sensitive) && schema.sensitive.includes(name);
      if (isText(child) && (child.format === 'base64' || sensitive)) mark(child, `${at}.${name}`);
      walk(child, `${at}.${name}`);
    }
    if (schema.items && isText(schema.items) && schema.items.format === 'base64') mark(schema.items, `${at}[]`);
    else if (schema.items) walk(schema.items, `${at}[]`);
  };
  for (const [root, schema] of Object.entries(rootsOf(op))) if (root !== 'path') walk(schema, root);
}

/**
 * Puts overlay facts (which win) onto an operation: `'json.a.b': { enum: [...] }` for a field
 * (`list[]` steps into a list's items), `'json.a': { encrypted: false }` to unmark a field the facts
 * wrongly mark encrypted (or `true` to mark one they miss), or `host: 'https://…/'` for the host it is
 * served from.
 */
function applyOverlay(op, entries, report) {
  if (!entries) return;
  const roots = rootsOf(op);
  const at = `${op.method.toUpperCase()} ${op.template}`;
  for (const [field, facts] of Object.entries(entries)) {
    if (field === 'host') {
      if (typeof facts !== 'string' || !/^https:\/\/[a-z0-9.-]+\/$/.test(facts)) throw new Error(`overlay: ${at} has a host that is not https://name/: ${facts}`);
      op.host = facts;
      report.add('overlay-wins', at, `host ${facts}`);
      continue;
    }
    const [root, ...names] = field.split('.');
    let node = roots[root];
    for (const name of names) {
      const list = name.endsWith('[]');
      node = node?.properties?.[list ? name.slice(0, -2) : name];
      if (list) node = node?.items;
    }
    if (!node) throw new Error(`overlay: ${at} has no field ${field}`);
    const { encrypted, ...rest } = facts;
    if (encrypted !== undefined) {
      if (typeof encrypted !== 'boolean' || Boolean(node.encrypted) === encrypted) throw new Error(`overlay: ${at} ${field}: encrypted ${encrypted} changes nothing`);
      if (encrypted) node.encrypted = true;
      else delete node.encrypted;
      report.add(encrypted ? 'encrypted-overlay-added' : 'encrypted-overlay-removed', at, field);
    }
    if (Object.keys(rest).length) {
      Object.assign(node, rest);
      report.add('overlay-wins', at, field);
    }
  }
}
