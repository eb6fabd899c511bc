/**
 * The answers WeChat Pay does not sign: file downloads. One explicit list, read from the facts
 * (TheNorthMemory/wechatpay-openapi): every operation whose 200 answer is a file (non-JSON
 * `produces`, or no answer schema), and every path the facts give as a `download_url`.
 * Everything else must verify. A `{name}` segment stands for one non-empty path segment.
 */
export const UNSIGNED_PATHS: readonly string[] = [
  // operations: produces text/plain, application/x-gzip
  '/v3/billdownload/file',
  // download_url of sub-merchant and e-commerce fund-flow, profit-sharing, funds-to-oversea bills
  // (the fund-flow ones encrypted: encrypt_key + nonce, deciphered by download, lib/crypto/aes-gcm.ts)
  '/v3/bill/downloadurl',
  // download_url of the payscore merchant bill
  '/v3/payscore/bill/downloadurl',
  // operations: produces application/pdf
  '/v3/transferdownload/signfile',
  '/v3/transferdownload/elecvoucherfile',
  // download_url of the fund-app electronic signature receipts
  '/v3/transferbilldownload/elecvoucherfile',
  // operations without an answer schema: complaint images
  '/v3/merchant-service/images/{media_id}',
  '/v3/global/merchant-service/images/{media_id}',
  // operations without an answer schema: statements; the facts' `hk/v3/statements` is sent as written
  // (lib/hosts.ts keeps `hk/…` on its path), and as /v3/statements where the HK host serves it bare
  '/hk/v3/statements',
  '/v3/statements',
  '/v3/global/statements',
  // download_url of fapiao-files (下载发票文件): same origin as the API (api.mch.weixin.qq.com), named
  // by the contract (api.md), wechatpay-axios-plugin's list and wechatpay-openapi's docs site (an
  // operation there); the facts' fapiao-files example (pay.wechatpay.cn/invoicing/…) is a placeholder
  // host and stays refused by the same-origin rule
  '/v3/new-tax-control-fapiao/download',
];

// A variable segment never stands for an operation the facts name beside it: `images/upload`
// answers signed JSON.
const SIGNED_SIBLINGS = new Set(['upload']);

/** One anchored pattern for the whole list, built once: `{name}` is one non-empty segment other than a signed sibling. */
function patternOf(templates: readonly string[]): RegExp {
  const variable = `(?!(?:${[...SIGNED_SIBLINGS].join('|')})(?:/|$))[^/]+`;
  const literal = (segment: string) => segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const alternatives = templates.map((template) => template.split('/').map((segment) => (/^\{[^}]+\}$/.test(segment) ? variable : literal(segment))).join('/'));
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

const UNSIGNED = patternOf(UNSIGNED_PATHS);

/** Whether an answer to `pathname` (with or without its leading `/`, no query) comes unsigned by design. */
export function isUnsigned(pathname: string): boolean {
  return UNSIGNED.test(pathname.startsWith('/') && !pathname.startsWith('//') ? pathname : `/${pathname.replace(/^\/+/, '')}`);
}
