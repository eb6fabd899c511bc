/**
 * What counts as this machine: the sandbox serves its control routes to loopback callers only,
 * and POSTs callbacks to loopback addresses only, so that a test can never reach the internet.
 */
import { isIPv4 } from 'node:net';

/** Whether a socket address (`127.0.0.1`, `::1`, `::ffff:127.0.0.1`) is on the loopback interface. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return (isIPv4(v4) && v4.startsWith('127.')) || address === '::1';
}

/**
 * The URL, when it is `http:` to a loopback IP literal (`127.x.x.x` or `[::1]`); `undefined`
 * otherwise. Host names, `localhost` included, are refused: resolving them is up to DNS.
 */
export function loopbackURL(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || url.username || url.password) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isLoopbackAddress(host) ? url : undefined;
}

/** Whether a `Host` header names this machine: a loopback IP literal or `localhost`, with any port. */
export function isLoopbackHost(host: string | null): boolean {
  if (!host) return false;
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || isLoopbackAddress(name);
}
