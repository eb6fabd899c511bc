// The 30 operations the user file calls, each in the three styles, with options that are correct
// by the facts (so the file compiles against the 2-endpoint baseline and the full registry alike).
const order = "appid: 'wxd678efh567hg6787', mchid: '1900000109', description: 'd', out_trade_no: 'o1', notify_url: 'https://a.example/n', amount: { total: 100 }";
export const CALLS = [
  ['v3/pay/transactions/jsapi', 'post', `{ json: { ${order}, payer: { openid: 'o' } } }`],
  ['v3/pay/transactions/native', 'post', `{ json: { ${order} } }`],
  ['v3/pay/transactions/app', 'post', `{ json: { ${order} } }`],
  ['v3/pay/transactions/out-trade-no/{out_trade_no}', 'get', "{ out_trade_no: 'o1', query: { mchid: '1900000109' } }"],
  ['v3/pay/transactions/id/{transaction_id}', 'get', "{ transaction_id: '42', query: { mchid: '1900000109' } }"],
  ['v3/pay/transactions/out-trade-no/{out_trade_no}/close', 'post', "{ out_trade_no: 'o1', json: { mchid: '1900000109' } }"],
  ['v3/refund/domestic/refunds', 'post', "{ json: { out_refund_no: 'r1', out_trade_no: 'o1', amount: { refund: 1, total: 1, currency: 'CNY' } } }"],
  ['v3/refund/domestic/refunds/{out_refund_no}', 'get', "{ out_refund_no: 'r1' }"],
  ['v3/bill/tradebill', 'get', "{ query: { bill_date: '2026-11-22', tar_type: 'GZIP' } }"],
  ['v3/bill/fundflowbill', 'get', "{ query: { bill_date: '2026-11-22' } }"],
  ['v3/certificates', 'get', ''],
  ['v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}', 'get', "{ out_bill_no: 'b1' }"],
  ['v3/profitsharing/orders/{out_order_no}', 'get', "{ out_order_no: 'p1', query: { transaction_id: '42' } }"],
  ['v3/profitsharing/receivers/add', 'post', "{ json: { appid: 'wx', type: 'PERSONAL_OPENID', account: 'o', relation_type: 'STORE' } }"],
  ['v3/merchant-service/complaints-v2', 'get', "{ query: { begin_date: '2026-11-01', end_date: '2026-11-22', limit: 10 } }"],
  ['v3/merchant-service/complaints-v2/{complaint_id}', 'get', "{ complaint_id: 'c1' }"],
  ['v3/marketing/favor/users/{openid}/coupons', 'get', "{ openid: 'o', query: { appid: 'wx' } }"],
  ['v3/marketing/favor/users/{openid}/coupons', 'post', "{ openid: 'o', json: { stock_id: 's', out_request_no: 'r', appid: 'wx', stock_creator_mchid: '1900000109' } }"],
  ['v3/ecommerce/profitsharing/orders', 'get', "{ query: { sub_mchid: '1900000100', transaction_id: '42', out_order_no: 'p1' } }"],
  ['v3/payscore/serviceorder', 'get', "{ query: { service_id: 's', appid: 'wx', out_order_no: 'o' } }"],
  ['global/v3/customs/orders', 'get', "{ query: { appid: 'wx', mchid: '1900000109', order_type: 'out_trade_no', order_no: 'o', customs: 'NINGBO' } }"],
  ['v3/businesscircle/user-authorizations/{openid}', 'get', "{ openid: 'o', query: { appid: 'wx' } }"],
  ['v3/marketing/membercard-open/cards/{card_id}/permission-tokens', 'post', "{ card_id: 'c', json: { activate_type: 'AUTO_ACTIVATE' } }"],
  ['v3/pay/partner/transactions/jsapi', 'post', "{ json: { sp_appid: 'wx', sp_mchid: '1', sub_mchid: '2', description: 'd', out_trade_no: 'o', notify_url: 'https://a/b', amount: { total: 1 }, payer: { sp_openid: 'o' } } }"],
  ['v3/profitsharing/return-orders', 'post', "{ json: { out_order_no: 'p1', out_return_no: 'r1', return_mchid: '1', amount: 1, description: 'd' } }"],
  ['v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund', 'post', "{ refund_id: '5', json: { out_refund_no: 'r1', type: 'USER_BANK_CARD' } }"],
  ['v3/fund-app/mch-transfer/transfer-bills', 'post', "{ json: { appid: 'wx', out_bill_no: 'b1', openid: 'o', transfer_amount: 1, transfer_remark: 'r', transfer_scene_id: '1000', transfer_scene_report_infos: [{ info_type: 't', info_content: 'c' }] } }"],
  ['v3/transfer/batches', 'post', "{ json: { appid: 'wx', out_batch_no: 'b', batch_name: 'n', batch_remark: 'r', total_amount: 1, total_num: 1, transfer_scene_id: '1000', transfer_detail_list: [{ out_detail_no: 'd', transfer_amount: 1, transfer_remark: 'r', openid: 'o', user_name: wxpay.encrypt('x') }] } }"],
  ['v3/combine-transactions/jsapi', 'post', "{ json: { combine_appid: 'wx', combine_mchid: '1', combine_out_trade_no: 'c', notify_url: 'https://a/b', combine_payer_info: {}, sub_orders: [{ mchid: '1', attach: 'a', amount: { total_amount: 1, currency: 'CNY' }, out_trade_no: 's', sub_mchid: '2', description: 'd' }] } }"],
  ['v3/merchant-service/images/{media_id}', 'get', "{ media_id: 'm' }"],
];

/** The chained spelling of a template (the naming rule of lib/chain.ts, in reverse). */
export function chainedOf(template) {
  return template
    .split('/')
    .map((segment) => (/^\{.+\}$/.test(segment) ? `_${segment.slice(1, -1)}_` : segment.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())))
    .join('.');
}

/** The user file: 90 calls, and a trailing line for the editor positions. */
export function userFile() {
  const lines = ["import { Builder } from 'wechatpay-ts';", 'declare const config: Parameters<typeof Builder.factory>[0];', 'const wxpay = Builder.factory(config);', 'export async function calls() {'];
  for (const [template, verb, options] of CALLS) {
    lines.push(`  await wxpay.${chainedOf(template)}.${verb}(${options});`);
    lines.push(`  await wxpay.chain('${template}').${verb}(${options});`);
    lines.push(`  await wxpay['${template}'].${verb}(${options});`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
