/**
 * Chain types, derived from the one registry ({@link Endpoints}): template-literal types turn
 * `user-authorizations` into `userAuthorizations` and `{openid}` into `_openid_`, so the
 * chained, `chain('…')` and bracket styles share each endpoint's request and answer types.
 */
import type { AxiosResponse } from 'axios';
import type { CallOptions, RequestOptions } from './decorator.js';
import type { Verb } from './chain.js';
import type { Endpoints, Operation } from './registry.js';
import type { Download } from './files/download.js';

/** A verified answer: axios's response with `data` parsed. */
export type WechatpayResponse<T = any> = AxiosResponse<T>;

type Template = keyof Endpoints & string;

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
/** The chained property name of a path segment: `{openid}` → `_openid_`, `user-authorizations` → `userAuthorizations`. */
export type PropertyOf<S extends string> = S extends `{${infer Name}}` ? `_${Name}_` : Camel<S>;

type Join<P extends string, S extends string> = P extends '' ? S : `${P}/${S}`;
type Below<P extends string, K extends string> = P extends '' ? K : K extends `${P}/${infer Rest}` ? Rest : never;
type First<R extends string> = R extends `${infer Segment}/${string}` ? Segment : R;
type Trim<P extends string> = P extends `/${infer Rest}` ? Trim<Rest> : P extends `${infer Rest}/` ? Trim<Rest> : P;

/** The options of a typed call: its path variables, `query`, `json` (or the same as raw `body`), and the common options. */
export type TypedOptions<O extends Operation> = (O extends { path: infer P } ? P : unknown) &
  (O extends { query: infer Q } ? { query: Q } : unknown) &
  (O extends { json: infer J } ? { json: J; body?: never } | { body: string | Buffer; json?: never } : unknown) &
  CallOptions;

/** A typed verb: options and answer from the registry. */
export type TypedVerb<O extends Operation> = (options: TypedOptions<O>) => Promise<WechatpayResponse<O['response']>>;
/** An untyped verb: any options, answer typed by the caller if they wish. */
export type UntypedVerb = <T = any>(options?: RequestOptions) => Promise<WechatpayResponse<T>>;

type VerbOf<P extends string, M extends Verb> = P extends Template
  ? M extends keyof Endpoints[P]
    ? Endpoints[P][M] extends Operation ? TypedVerb<Endpoints[P][M]> : UntypedVerb
    : UntypedVerb
  : UntypedVerb;

/** The verbs of the node at template `P`, with their `…Async` twins. */
export type Verbs<P extends string> = { [M in Verb]: VerbOf<P, M> } & { [M in Verb as `${M}Async`]: VerbOf<P, M> };

/** What every node has besides its verbs and children. */
export interface NodeBase<Chained> {
  /** Appends a path as written (no case folding; outer slashes tolerated). */
  chain: Chained;
  /** The node's URI template. */
  toString(): string;
  /** The node's URI template. */
  toJSON(): string;
}

/** A node off the registry: every property is a further segment, every verb untyped. */
export type AnyNode = Verbs<string> & NodeBase<(path: string) => AnyNode> & { [segment: string]: AnyNode };

type TypedChain<P extends string> = <S extends string>(path: S) => string extends S ? AnyNode : ChainNode<Join<P, Trim<S>>>;

/** The chain node at template `P`: typed children and verbs where the registry knows them. */
export type ChainNode<P extends string> = { [S in First<Below<P, Template>> as PropertyOf<S>]: ChainNode<Join<P, S>> } & Verbs<P> &
  NodeBase<TypedChain<P>> & { [segment: string]: AnyNode };

/** A client: the root node, where the registry's templates also work as bracket keys. */
export type WechatpayClient = ChainNode<''> & { [K in Template]: ChainNode<K> } & {
  /**
   * Encrypts a sensitive field (RSA-OAEP, SHA-1) under the client's preferred WeChat Pay key, the
   * one every request names in `Wechatpay-Serial`. Root only: `wxpay.v3.encrypt` is a path segment.
   *
   * @throws ArgumentError `ERR_ARGUMENT` past the OAEP limit (214 UTF-8 bytes for RSA-2048).
   */
  encrypt(text: string): string;
  /**
   * Downloads a file WeChat Pay serves unsigned (a bill's `download_url`, a receipt, a complaint
   * image path): a signed GET, only to the origin of `baseURL` or `backupBaseURL`, checked by the
   * answer's `hash_type`/`hash_value` over the uncompressed bytes, gunzipped when gzipped.
   *
   * @throws ArgumentError `ERR_DOWNLOAD_URL` (nothing sent), VerificationError `ERR_DIGEST`, ApiError, TransportError.
   */
  download: Download;
};
