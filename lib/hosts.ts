/**
 * Where an operation is served: most on the client's `baseURL`, some on another WeChat Pay host
 * (the facts' `x-base-uri` and overlay hosts, the cross-border `v3/global/…` family on the Hong
 * Kong host). The config's `hosts` maps a host name to the URL to use instead (the sandbox maps
 * every one to itself).
 */
import { ArgumentError } from './errors.js';
import { HOSTS, HOST_FAMILIES, SLASHED } from './endpoints/hosts.js';

/** Host name → base URL, e.g. `{ 'apihk.mch.weixin.qq.com': 'https://proxy.example/hk/' }`. */
export type HostMap = Readonly<Record<string, string>>;

const FAMILIES = Object.keys(HOST_FAMILIES);

/** The default base URL of a template, when it is not the client's own; undefined otherwise. */
export function hostOf(template: string): string | undefined {
  const path = template.replace(/^\/+/, '');
  if (Object.hasOwn(HOSTS, path)) return HOSTS[path];
  const family = FAMILIES.find((prefix) => path.startsWith(prefix));
  return family === undefined ? undefined : HOST_FAMILIES[family];
}

/** Every host name the registry sends to besides the default one (for `hosts` maps). */
export const HOST_NAMES: readonly string[] = [...new Set([...Object.values(HOSTS), ...Object.values(HOST_FAMILIES)].map((url) => new URL(url).host))].sort();

/** Checks a config's `hosts`: host names mapped to absolute http(s) URLs. */
export function checkHosts(hosts: unknown): HostMap {
  if (hosts === undefined) return {};
  if (hosts === null || typeof hosts !== 'object' || Array.isArray(hosts)) throw new ArgumentError('ERR_CONFIG', 'config.hosts must map host names to URLs');
  for (const [host, url] of Object.entries(hosts)) {
    let ok = false;
    try {
      ok = typeof url === 'string' && /^https?:$/.test(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new ArgumentError('ERR_CONFIG', `config.hosts["${host}"] must be an http(s) URL`);
  }
  return hosts as HostMap;
}

/**
 * The template to send and the base URL to send it to: a template documented with a trailing `/`
 * gets it back (chained names and `chain()` drop it); another host's operation goes there, or
 * where `hosts` maps that host. `undefined` baseURL: the client's own.
 */
export function routeOf(template: string, hosts: HostMap): { template: string; baseURL: string | undefined } {
  const sent = SLASHED.has(template) ? `${template}/` : template;
  const own = hostOf(template);
  if (own === undefined) return { template: sent, baseURL: undefined };
  const mapped = hosts[new URL(own).host];
  return { template: sent, baseURL: mapped ?? own };
}
