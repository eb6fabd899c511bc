/**
 * The URL axios sends to: a relative `url` joined to `baseURL` with one slash (an absolute `url`
 * stands alone), parsed as a WHATWG URL. One function, so the bytes signed name the target the
 * adapter connects to and puts on the wire.
 */
export function fullUrl(baseURL: string | undefined, url: string): URL {
  const absolute = /^([a-z][a-z\d+\-.]*:)?\/\//i.test(url);
  return new URL(baseURL && !absolute ? `${baseURL.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : url);
}
