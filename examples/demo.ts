// `npm start`: the client against a local WeChat Pay sandbox on 127.0.0.1. No account, no
// network, no setup. Both documented endpoints in all six call styles, then one documented
// error and one tampered answer, each rejected as it should be.
import { ApiError, Builder, VerificationError, type WechatpayClient } from '../lib/index.js';
import { Sandbox } from '../lib/testing/index.js';

const OPENID = 'oWmnN4xxxxxxxxxxe92NHIGf1xd8';
const APPID = 'wx1234567890abcdef';
const CARD_ID = 'pDF3JxxxxxxxxxxxxxxxxxxxxxxM';
const USER_AUTHORIZATIONS = 'v3/businesscircle/user-authorizations/{openid}';
const PERMISSION_TOKENS = 'v3/marketing/membercard-open/cards/{card_id}/permission-tokens';
const query = { appid: APPID };
const json = { activate_type: 'AUTO_ACTIVATE' } as const;

type Call = [style: string, run: (wxpay: WechatpayClient) => Promise<string>];

const authorizationCalls: Call[] = [
  ['wxpay.v3.businesscircle.userAuthorizations._openid_.get', async (w) => (await w.v3.businesscircle.userAuthorizations._openid_.get({ openid: OPENID, query })).data.authorize_state],
  ['wxpay.v3.businesscircle.userAuthorizations._openid_.getAsync', async (w) => (await w.v3.businesscircle.userAuthorizations._openid_.getAsync({ openid: OPENID, query })).data.authorize_state],
  ["wxpay.chain('…/{openid}').get", async (w) => (await w.chain(USER_AUTHORIZATIONS).get({ openid: OPENID, query })).data.authorize_state],
  ["wxpay.chain('…/{openid}').getAsync", async (w) => (await w.chain(USER_AUTHORIZATIONS).getAsync({ openid: OPENID, query })).data.authorize_state],
  ["wxpay['…/{openid}'].get", async (w) => (await w[USER_AUTHORIZATIONS].get({ openid: OPENID, query })).data.authorize_state],
  ["wxpay['…/{openid}'].getAsync", async (w) => (await w[USER_AUTHORIZATIONS].getAsync({ openid: OPENID, query })).data.authorize_state],
];

const token = (value: string) => `permission_token ${value.slice(0, 8)}…`;
const tokenCalls: Call[] = [
  ['wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post', async (w) => token((await w.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.post({ card_id: CARD_ID, json })).data.permission_token)],
  ['wxpay.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.postAsync', async (w) => token((await w.v3.marketing.membercardOpen.cards._card_id_.permissionTokens.postAsync({ card_id: CARD_ID, json })).data.permission_token)],
  ["wxpay.chain('…/permission-tokens').post", async (w) => token((await w.chain(PERMISSION_TOKENS).post({ card_id: CARD_ID, json })).data.permission_token)],
  ["wxpay.chain('…/permission-tokens').postAsync", async (w) => token((await w.chain(PERMISSION_TOKENS).postAsync({ card_id: CARD_ID, json })).data.permission_token)],
  ["wxpay['…/permission-tokens'].post", async (w) => token((await w[PERMISSION_TOKENS].post({ card_id: CARD_ID, json })).data.permission_token)],
  ["wxpay['…/permission-tokens'].postAsync", async (w) => token((await w[PERMISSION_TOKENS].postAsync({ card_id: CARD_ID, json })).data.permission_token)],
];

let unexpected = 0;
const ok = (text: string) => console.log(`  ✔ ${text}`);
const bad = (text: string) => {
  unexpected += 1;
  console.log(`  ✘ ${text}`);
};
const describeError = (error: unknown) => (error instanceof Error ? `${error.name} ${(error as { code?: string }).code ?? ''}: ${error.message}` : String(error));

async function section(title: string, calls: Call[], wxpay: WechatpayClient): Promise<void> {
  console.log(`\n${title}`);
  const width = Math.max(...calls.map(([style]) => style.length));
  for (const [style, run] of calls) {
    const started = performance.now();
    try {
      const result = await run(wxpay);
      ok(`${style.padEnd(width)}  → ${result}  (${Math.round(performance.now() - started)} ms)`);
    } catch (error) {
      bad(`${style.padEnd(width)}  → ${describeError(error)}`);
    }
  }
}

async function main(): Promise<void> {
  const sandbox = new Sandbox();
  const server = await sandbox.listen();
  try {
    const wxpay = Builder.factory(sandbox.clientConfig({ baseURL: server.url, timeout: 5000 }));
    console.log('wechatpay-ts demo: a local WeChat Pay sandbox, no account and no network needed');
    console.log(`  gateway  ${server.url}  (checks every request's signature, signs every answer)`);
    console.log(`  merchant ${sandbox.mchid}, API certificate serial ${sandbox.merchant.serial}`);
    console.log(`  answers  signed by ${sandbox.platform.id}`);

    await section(`GET ${USER_AUTHORIZATIONS}: 商圈积分 authorization of ${OPENID}`, authorizationCalls, wxpay);
    await section(`POST ${PERMISSION_TOKENS}: 会员卡 pre-authorization of ${CARD_ID}`, tokenCalls, wxpay);

    console.log('\nA documented error: JUMP_ACTIVATE without activate_url or activate_appid');
    try {
      await wxpay[PERMISSION_TOKENS].post({ card_id: CARD_ID, json: { activate_type: 'JUMP_ACTIVATE' } });
      bad('the request was accepted');
    } catch (error) {
      if (error instanceof ApiError && error.code === 'PARAM_ERROR') ok(`ApiError ${error.status} ${error.code}: ${error.message}  (Request-ID ${error.requestId})`);
      else bad(describeError(error));
    }

    console.log('\nA tampered answer: the sandbox alters the body after signing it');
    sandbox.faults.next('tamper-body');
    try {
      await wxpay[USER_AUTHORIZATIONS].get({ openid: OPENID, query });
      bad('the tampered answer was accepted');
    } catch (error) {
      if (error instanceof VerificationError && error.code === 'ERR_RESPONSE_SIGNATURE') ok(`rejected, body never handed over: VerificationError ${error.code}: ${error.message}`);
      else bad(describeError(error));
    }
  } finally {
    await server.close();
  }

  const total = authorizationCalls.length + tokenCalls.length + 2;
  console.log(unexpected === 0
    ? `\nAll ${total} checks behaved as expected. Sandbox stopped.`
    : `\n${unexpected} of ${total} checks did not behave as expected. Sandbox stopped.`);
  if (unexpected > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${describeError(error)}`);
  process.exitCode = 1;
});
