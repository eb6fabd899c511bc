/**
 * The client's types. Every operation of the facts is typed by the generated registry
 * (lib/endpoints/, one small interface per path prefix), which the chained, `chain('…')` and
 * bracket styles share; the two seed endpoints keep their hand-written types (lib/registry.ts).
 */
import type { AxiosResponse } from 'axios';
import type { CallOptions, RequestOptions } from './decorator.js';
import type { Verb } from './chain.js';
import type { Operation } from './registry.js';
import type { Root, Templates } from './endpoints/nodes.js';
import type { Call, JsonOrBody, Nd, NodeAt, UntypedVerb, Verbs } from './operation.js';
import type { Download } from './files/download.js';
import type { Sealed } from './crypto/sealed.js';

/** A verified answer: axios's response with `data` parsed. */
export type WechatpayResponse<T = any> = AxiosResponse<T>;

/** The options of a seed endpoint's call: its path variables, `query`, `json` (or the same as raw `body`), and the common options. */
export type TypedOptions<O extends Operation> = (O extends { path: infer P } ? P : unknown) &
  (O extends { query: infer Q } ? { query: Q } : unknown) &
  (O extends { json: infer J } ? JsonOrBody<J> : unknown) &
  CallOptions;

/** A node off the registry: every property is a further segment, every verb untyped. */
export type AnyNode = Verbs<UntypedVerb> & {
  chain: (path: string) => AnyNode;
  toString(): string;
  toJSON(): string;
} & { [segment: string]: AnyNode };

/** The node at template (or path prefix) `P`: typed where the registry knows it, untyped otherwise. */
export type ChainNode<P extends string> = NodeAt<P>;

/** Every template the registry types, as the facts write it (`v3/…`, `hk/v3/…`, `global/v3/…`, `v2/…`). */
export type Template = keyof Templates;

/** The options of `Verb` on template `T` (what a wrapper of that call takes). */
export type RequestOf<T extends Template, V extends Verb> = Templates[T][V] extends Call<infer O, any> ? O : RequestOptions;

/** The answer (`data`) of `Verb` on template `T`. */
export type ResponseOf<T extends Template, V extends Verb> = Templates[T][V] extends Call<any, infer A> ? A : unknown;

/** A client: the root node, where the registry's templates also work as bracket keys. */
export type WechatpayClient = Nd<Root> & {
  /**
   * Encrypts a sensitive field (RSA-OAEP, SHA-1) under the client's preferred WeChat Pay key, the
   * one every request names in `Wechatpay-Serial`. Root only: `wxpay.v3.encrypt` is a path segment.
   *
   * The result is {@link Sealed}: the only type the encrypted fields of a request accept.
   *
   * @throws ArgumentError `ERR_ARGUMENT` past the OAEP limit (214 UTF-8 bytes for RSA-2048).
   */
  encrypt(text: string): Sealed;
  /**
   * Opens an encrypted field of an answer (a complaint's `payer_phone`, a transfer's `user_name`):
   * RSA-OAEP (SHA-1) under the merchant private key the client already signs with. Root only.
   *
   * @throws WechatpayError `ERR_DECRYPT` when the value is not base64 or was not sealed under that key.
   */
  decrypt(value: Sealed | string): string;
  /**
   * Downloads a file WeChat Pay serves unsigned (a bill's `download_url`, a receipt, a complaint
   * image path): a signed GET, only to the origin of `baseURL` or `backupBaseURL`, checked by the
   * answer's `hash_type`/`hash_value` over the uncompressed bytes, gunzipped when gzipped.
   *
   * @throws ArgumentError `ERR_DOWNLOAD_URL` (nothing sent), VerificationError `ERR_DIGEST`, ApiError, TransportError.
   */
  download: Download;
};
