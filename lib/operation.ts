/**
 * The building blocks of the generated endpoint types (lib/endpoints/): typed verbs, the node
 * base every path prefix extends, and the option shapes (`json` or raw `body`, `upload`, `xml`).
 */
import type { CallOptions, RequestOptions } from './decorator.js';
import type { Endpoints } from './registry.js';
import type { Upload } from './files/upload.js';
import type { AnyNode, TypedOptions, WechatpayResponse } from './types.js';
import type { Paths } from './endpoints/nodes.js';

/** A typed verb whose options hold something required. `T` overrides the answer type, should a caller need to. */
export interface Call<O, A> {
  <T = A>(options: O): Promise<WechatpayResponse<T>>;
}

/** A typed verb whose options hold nothing required: `wxpay.v3.certificates.get()`. */
export interface CallOptional<O, A> {
  <T = A>(options?: O): Promise<WechatpayResponse<T>>;
}

/** An untyped verb: any options, answer typed by the caller if they wish. */
export type UntypedVerb = <T = any>(options?: RequestOptions) => Promise<WechatpayResponse<T>>;

/** Every verb untyped, for the nodes that carry no operation. */
export type UntypedVerbs = Verbs;

/** A seed endpoint's verb (lib/registry.ts): its hand-written types win over the generated ones. */
export type SeedVerb<P extends keyof Endpoints, M extends keyof Endpoints[P]> = Endpoints[P][M] extends infer O extends { response: unknown }
  ? Call<TypedOptions<O>, O['response']>
  : never;

/** A JSON body: `json`, or the same bytes as a raw `body` (sent and signed as given). */
export type JsonOrBody<J> = { json: J; body?: never } | { body: string | Buffer; json?: never };

/** The `upload` option of a multipart endpoint, its `meta` typed from the facts. */
export interface UploadFile<M extends object = Record<string, unknown>> extends Omit<Upload, 'meta'> {
  /** The endpoint's own meta fields, beside the ones the client computes (`filename` and `sha256` where the endpoint's meta has them). */
  meta?: M;
}

/** The `upload` option of an APIv2 upload: the file alone; its text fields go in `xml`. */
export interface V2UploadFile extends Omit<Upload, 'meta' | 'fields'> {
  meta?: never;
  fields?: never;
}

/** Options of every APIv2 (`v2/…`) call besides its `xml`/`query`. */
export interface V2CallOptions extends CallOptions {
  /** Mutual TLS with the merchant API certificate (`merchant` in the config), for the operations that require it. */
  security?: boolean;
  /** Do not add `nonce_str` to the request. */
  nonceless?: boolean;
}

/** The answer of a file download: a Buffer (`responseType: 'arraybuffer'`), text, or a stream (`responseType: 'stream'`). */
export type FileAnswer = Buffer | string | NodeJS.ReadableStream;

/** What every node has besides its verbs and children. */
export interface NodeBase<P extends string> {
  /** Appends a path as written (no case folding; outer slashes tolerated). */
  chain: Chain<P>;
  /** The node's URI template. */
  toString(): string;
  /** The node's URI template. */
  toJSON(): string;
}

type Trim<S extends string> = S extends `/${infer Rest}` ? Trim<Rest> : S;

/** The node at a path: a template's or a prefix's typed node, or an untyped one. */
export type NodeAt<K extends string> = unknown extends Paths[K] ? AnyNode : Paths[K];

/**
 * `chain()` of the node at `P`: one lookup of the joined path. The answer is `NoInfer`: a call
 * under a contextual type (`const node: unknown = wxpay.chain(path)`) would otherwise infer into
 * every branch of the lookup, which costs the checker about half a second per call site.
 */
export type Chain<P extends string> = <S extends string>(path: S) => NoInfer<string extends S ? AnyNode : NodeAt<P extends '' ? Trim<S> : `${P}/${Trim<S>}`>>;

/** A typed node that still reaches any further segment, untyped. */
export type Nd<T> = T & { [segment: string]: AnyNode };

/** A node's ten verbs: each typed where an operation sits, untyped otherwise. */
export interface Verbs<G = UntypedVerb, Po = UntypedVerb, Pu = UntypedVerb, Pa = UntypedVerb, D = UntypedVerb> {
  get: G;
  getAsync: G;
  post: Po;
  postAsync: Po;
  put: Pu;
  putAsync: Pu;
  patch: Pa;
  patchAsync: Pa;
  delete: D;
  deleteAsync: D;
}
