import { inspect } from 'node:util';
import { BoundedCache } from './cache.js';
import type { RequestOptions } from './decorator.js';

/** The HTTP verbs every chain node offers, each with an `…Async` twin. */
export const VERBS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** One of {@link VERBS}. */
export type Verb = (typeof VERBS)[number];

/** Sends one request for a node: the client's dispatcher. */
export type Dispatch = (method: Verb, template: string, options?: RequestOptions) => Promise<unknown>;

/**
 * A chained property name as a path segment, by wechatpay-php's rules: `_name_` becomes
 * `{name}`; otherwise a leading capital is lowercased and every other capital becomes `-`
 * plus its lowercase (`userAuthorizations` → `user-authorizations`, `complaintsV2` → `complaints-v2`).
 * Keys that are not identifier-shaped (`/`, `{`, `-`, …) are taken as written.
 */
export function segmentOf(property: string): string {
  const variable = /^_(.+)_$/.exec(property);
  if (variable) return `{${variable[1]}}`;
  if (!/^[A-Za-z0-9$_]+$/.test(property)) return property;
  return property.replace(/^[A-Z]/, (c) => c.toLowerCase()).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A path as written (`chain('…')`, bracket keys with `/`): outer slashes dropped, nothing folded. */
function pathOf(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

function join(parent: string, child: string): string {
  return parent === '' ? child : child === '' ? parent : `${parent}/${child}`;
}

const TEMPLATE = Symbol('template');
const CHILDREN = Symbol('children');
// Each node remembers its children's templates by property name, so that a chained call joins no
// strings; literal ids may be endless, so past this many names a node's memo starts over.
const CHILDREN_HELD = 64;
// Names a node answers itself; every other string property is a path segment.
const OWN = new Set<string | symbol>(['chain', 'toString', 'toJSON', 'valueOf', ...VERBS, ...VERBS.map((verb) => `${verb}Async`)]);

interface NodeTarget {
  readonly [TEMPLATE]: string;
  readonly [CHILDREN]: Map<string, string>;
}

/**
 * Builds the root of a chain. Nodes are Proxies over small targets, cached per template in a
 * bounded cache; `then` is never a segment, so awaiting a node sends nothing. `label` is what
 * `util.inspect` shows of the root. `rootMembers` (e.g. `encrypt`) are answered by the root
 * only; below it the same names are path segments as usual.
 */
export function createChain(dispatch: Dispatch, label: string, capacity = 1024, rootMembers: Readonly<Record<string, unknown>> = {}): object {
  const nodes = new BoundedCache<string, object>(capacity);
  // Property name → segment, so that a chained call does not re-run segmentOf's patterns each time.
  const segments = new Map<string, string>();
  const segmentFor = (property: string): string => {
    let segment = segments.get(property);
    if (segment === undefined) {
      segment = property.includes('/') ? pathOf(property) : segmentOf(property);
      // Literal ids may be endless: past `capacity` names the memo starts over.
      if (segments.size >= capacity) segments.clear();
      segments.set(property, segment);
    }
    return segment;
  };
  const nodeOf = (template: string): object => (template === '' ? root : nodes.get(template, () => new Proxy(targetOf(template), handler)));

  const proto = {
    chain(this: NodeTarget, path: string): object {
      return nodeOf(join(this[TEMPLATE], pathOf(String(path))));
    },
    toString(this: NodeTarget): string {
      return this[TEMPLATE];
    },
    toJSON(this: NodeTarget): string {
      return this[TEMPLATE];
    },
    valueOf(this: NodeTarget): string {
      return this[TEMPLATE];
    },
    [Symbol.toPrimitive](this: NodeTarget): string {
      return this[TEMPLATE];
    },
    [inspect.custom](this: NodeTarget): string {
      return `[Wechatpay ${this[TEMPLATE] || '/'}]`;
    },
  } as Record<string | symbol, unknown>;
  for (const verb of VERBS) {
    proto[verb] = proto[`${verb}Async`] = function (this: NodeTarget, options?: RequestOptions) {
      return dispatch(verb, this[TEMPLATE], options);
    };
  }

  // util.inspect looks through Proxies at their targets, so the target itself carries the template.
  const targetOf = (template: string): NodeTarget => Object.assign(Object.create(proto), { [TEMPLATE]: template, [CHILDREN]: new Map() });
  const childOf = (target: NodeTarget, property: string): string => {
    const children = target[CHILDREN];
    let template = children.get(property);
    if (template === undefined) {
      template = join(target[TEMPLATE], segmentFor(property));
      if (children.size >= CHILDREN_HELD) children.clear();
      children.set(property, template);
    }
    return template;
  };

  const handler: ProxyHandler<NodeTarget> = {
    get(target, property) {
      if (typeof property === 'symbol' || OWN.has(property)) return Reflect.get(target, property);
      if (property === 'then') return undefined;
      if (target === rootTarget && Object.hasOwn(rootMembers, property)) return rootMembers[property];
      return nodeOf(childOf(target, property));
    },
    has(target, property) {
      return typeof property === 'symbol' ? property in target : property !== 'then';
    },
    set() {
      return false;
    },
    defineProperty() {
      return false;
    },
    deleteProperty() {
      return false;
    },
  };

  const rootTarget = Object.assign(targetOf(''), { [inspect.custom]: () => label });
  const root = new Proxy(rootTarget, handler);
  return root;
}
