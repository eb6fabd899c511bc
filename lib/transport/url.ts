/**
 * The URL axios sends to: a relative `url` joined to `baseURL` with one slash (an absolute `url`
 * stands alone), parsed as a WHATWG URL. One function, so the bytes signed name the target the
 * adapter connects to and puts on the wire.
 */
export function fullUrl(baseURL: string | undefined, url: string): URL {
  const absolute = /^([a-z][a-z\d+\-.]*:)?\/\//i.test(url);
  return new URL(baseURL && !absolute ? `${baseURL.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : url);
}

interface Parsed {
  readonly baseURL: string | undefined;
  readonly url: string;
  readonly parsed: URL;
}

// Beside the config rather than on it: nothing for axios to merge or a spread to copy.
const parses = new WeakMap<object, Parsed>();

/**
 * {@link fullUrl} of a request config, parsed once per attempt: the signer parses it and the
 * adapter reuses that parse, unless `baseURL` or `url` changed in between.
 */
export function urlOf(config: { baseURL?: string | undefined; url?: string | undefined }): URL {
  const { baseURL, url = '' } = config;
  const held = parses.get(config);
  if (held !== undefined && held.baseURL === baseURL && held.url === url) return held.parsed;
  const parsed = fullUrl(baseURL, url);
  parses.set(config, { baseURL, url, parsed });
  return parsed;
}
