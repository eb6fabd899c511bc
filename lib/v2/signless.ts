/**
 * APIv2 operations whose answers WeChat Pay does not sign. Every other APIv2 answer must carry a
 * `sign` that verifies; these are handed over unverified, so the list is explicit and complete.
 *
 * Source: the facts of TheNorthMemory/wechatpay-openapi (`docs/v2/…`): the operations whose
 * documented answer lists fields and no `sign` (red packets, transfers to the balance, bills,
 * risk public key, sign-key lookups, …), and the GET pages a user's browser opens (entrustweb,
 * authindex), which answer HTML. A POST whose answer the facts leave undocumented
 * (`applyment/micro/signcontract`) stays signed. `spec/v2/signless.spec.ts` derives the list from
 * the facts and compares.
 */

/** APIv2 templates (`v2/…`) whose answers carry no `sign`. */
export const SIGNLESS_V2: readonly string[] = [
  'v2/appauth/authindex',
  'v2/appauth/getaccesstoken',
  'v2/billcommentsp/batchquerycomment',
  'v2/mchrisk/querymchrisk',
  'v2/mchrisk/setmchriskcallback',
  'v2/mchrisk/syncmchriskresult',
  'v2/mmpaymkttransfers/gethbinfo',
  'v2/mmpaymkttransfers/gettransferinfo',
  'v2/mmpaymkttransfers/promotion/paywwsptrans2pocket',
  'v2/mmpaymkttransfers/promotion/querywwsptrans2pocket',
  'v2/mmpaymkttransfers/promotion/transfers',
  'v2/mmpaymkttransfers/sendgroupredpack',
  'v2/mmpaymkttransfers/sendminiprogramhb',
  'v2/mmpaymkttransfers/sendredpack',
  'v2/mmpaysptrans/query_bank',
  'v2/papay/entrustweb',
  'v2/papay/h5entrustweb',
  'v2/papay/partner/entrustweb',
  'v2/papay/partner/h5entrustweb',
  'v2/pay/downloadbill',
  'v2/pay/downloadfundflow',
  'v2/payitil/report',
  'v2/risk/getpublickey',
  'v2/risk/getviolation',
  'v2/sandboxnew/pay/downloadbill',
  'v2/sandboxnew/pay/getsignkey',
  'v2/secapi/mch/submchmanage',
  'v2/xdc/apiv2getsignkey/sign/getsignkey',
];

/** Of {@link SIGNLESS_V2}, the file downloads: answered with text or gzip bytes on success, XML only on failure; not size-capped. */
export const DOWNLOADS_V2: readonly string[] = ['v2/billcommentsp/batchquerycomment', 'v2/pay/downloadbill', 'v2/pay/downloadfundflow', 'v2/sandboxnew/pay/downloadbill'];

const signless = new Set(SIGNLESS_V2);
const downloads = new Set(DOWNLOADS_V2);

/** Whether the answer of the APIv2 template (e.g. `v2/pay/downloadbill`) comes without `sign` by design. */
export function isSignless(template: string): boolean {
  return signless.has(template);
}

/** Whether the APIv2 template is a file download. */
export function isDownload(template: string): boolean {
  return downloads.has(template);
}

