// Type tests, compiled by `tsc --noEmit` in `npm test` (never executed): correct calls must
// compile in all six styles, and each `@ts-expect-error` fails the build if its error vanishes.
import type { WechatpayClient } from '../../lib/index.js';

declare const wxpay: WechatpayClient;
const openid = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
const query = { appid: 'wx1234567890abcdef', sub_mchid: '1900000109' };
const card_id = 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM';

export async function userAuthorizations(): Promise<void> {
  const chained = await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid, query });
  const declared = await wxpay.chain('v3/businesscircle/user-authorizations/{openid}').get({ openid, query });
  const bracket = await wxpay['v3/businesscircle/user-authorizations/{openid}'].get({ openid, query });
  const slashed = await wxpay.chain('/v3/businesscircle/user-authorizations/{openid}').get({ openid, query });
  const states: ('UNAUTHORIZED' | 'AUTHORIZED' | 'DEAUTHORIZED')[] = [chained, declared, bracket, slashed].map((res) => res.data.authorize_state);
  const times: (string | undefined)[] = [chained.data.authorize_time, declared.data.deauthorize_time];

  void wxpay.v3.businesscircle.userAuthorizations._openid_.getAsync({ openid, query }).then(({ data }) => data.openid.toUpperCase());
  void wxpay.chain('v3/businesscircle/user-authorizations/{openid}').getAsync({ openid, query }).then(({ data }) => data.authorize_state);
  void wxpay['v3/businesscircle/user-authorizations/{openid}'].getAsync({ openid, query: { appid: 'wx1' } }).then(({ data }) => data.openid);

  // @ts-expect-error a missing openid
  await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ query });
  // @ts-expect-error a missing openid, declarative
  await wxpay.chain('v3/businesscircle/user-authorizations/{openid}').get({ query });
  // @ts-expect-error a missing query.appid
  await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid, query: { sub_mchid: '1' } });
  // @ts-expect-error a missing query.appid, bracket
  await wxpay['v3/businesscircle/user-authorizations/{openid}'].getAsync({ openid, query: {} });
  // @ts-expect-error a field the answer does not have
  chained.data.permission_token;
  // @ts-expect-error an option that exists nowhere
  await wxpay.v3.businesscircle.userAuthorizations._openid_.get({ openid, query, opendi: 'x' });
  void states;
  void times;
}

export async function permissionTokens(): Promise<void> {
  const json = { activate_type: 'JUMP_ACTIVATE', activate_url: 'https://example.com/a', navigate_back_previous_page: true } as const;
  const chained = await wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id, json });
  const declared = await wxpay.chain('v3/marketing/membercard-open/cards/{card_id}/permission-tokens').post({ card_id, json });
  const bracket = await wxpay['v3/marketing/membercard-open/cards/{card_id}/permission-tokens'].post({ card_id, json });
  const tokens: string[] = [chained, declared, bracket].map((res) => res.data.permission_token);
  void wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.postAsync({ card_id, json }).then(({ data }) => data.permission_token);
  void wxpay.chain('v3/marketing/membercard-open/cards/{card_id}/permission-tokens').postAsync({ card_id, json: { activate_type: 'AUTO_ACTIVATE' } });
  void wxpay['v3/marketing/membercard-open/cards/{card_id}/permission-tokens'].postAsync({ card_id, json, timeout: 5000 });

  // @ts-expect-error a wrong activate_type
  await wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id, json: { activate_type: 'ACTIVATE' } });
  // @ts-expect-error a wrong activate_type, bracket
  await wxpay['v3/marketing/membercard-open/cards/{card_id}/permission-tokens'].post({ card_id, json: { activate_type: 'auto_activate' } });
  // @ts-expect-error a missing card_id
  await wxpay.chain('v3/marketing/membercard-open/cards/{card_id}/permission-tokens').post({ json });
  // @ts-expect-error a missing json
  await wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id });
  // @ts-expect-error a field the answer does not have
  chained.data.authorize_state;
  // The axios options that change how, not what, is sent are typed; those the client refuses at run time are not.
  void wxpay.v3.certificates.get({ timeout: 5000, signal: AbortSignal.timeout(1000), maxContentLength: 1024, baseURL: 'https://api2.mch.weixin.qq.com/' });
  // @ts-expect-error auth would replace the signed Authorization header
  void wxpay.v3.certificates.get({ auth: { username: 'u', password: 'p' } });
  // @ts-expect-error redirects would send requests nobody signed
  void wxpay.v3.certificates.get({ maxRedirects: 5 });
  void tokens;
}

export async function untyped(): Promise<void> {
  // Any path outside the registry works, untyped, in every style.
  const res = await wxpay.v3.pay.transactions.notYetDocumented._out_trade_no_.get({ out_trade_no: 'x', query: { mchid: '1' } });
  const anything: unknown = res.data.whatever;
  await wxpay.chain('v3/not-yet-documented').get();
  await wxpay['v3/refund/domestic/not-yet-documented'].post({ json: { out_refund_no: '1' } });
  await wxpay.v3.businesscircle.userAuthorizations._openid_.chain('more').delete();
  const typedAnswer = await wxpay.v3.certificates.get<{ data: { serial_no: string }[] }>();
  const serials: string[] = typedAnswer.data.data.map((item) => item.serial_no);
  void anything;
  void serials;
}
