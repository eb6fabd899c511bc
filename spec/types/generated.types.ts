// Type tests over the generated registry, compiled by `tsc --noEmit` in `npm test` (never executed):
// a sample of operations across the families, each called correctly (in the three styles for some),
// and each misuse an `@ts-expect-error` that fails the build should its error vanish.
import type { AnyNode, RequestOf, ResponseOf, WechatpayClient, FileAnswer, PermissionTokenRequest, TypedOptions, UserAuthorization, Endpoints } from '../../lib/index.js';

declare const wxpay: WechatpayClient;
declare const buffer: Buffer;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exactly = <A, B>(proof: Equal<A, B>): void => void proof;

const mchid = '1900000109';
const appid = 'wxd678efh567hg6787';
const order = { appid, mchid, description: 'Image形象店-深圳腾大-QQ公仔', out_trade_no: '1217752501201407033233368018', notify_url: 'https://www.weixin.qq.com/wxpay/pay.php', amount: { total: 100 } };

export async function payments(): Promise<void> {
  // 1-3: JSAPI, Native, App, in the three styles.
  const chained = await wxpay.v3.pay.transactions.jsapi.post({ json: { ...order, payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } } });
  const declared = await wxpay.chain('v3/pay/transactions/native').post({ json: order });
  const bracket = await wxpay['v3/pay/transactions/app'].postAsync({ json: order });
  const strings: string[] = [chained.data.prepay_id, declared.data.code_url, bracket.data.prepay_id];
  // 4: H5, 5: query by out_trade_no, 6: by id, 7: close (204).
  await wxpay.v3.pay.transactions.h5.post({ json: { ...order, scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } } } });
  const byOutTradeNo = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no: '1217752501201407033233368018', query: { mchid } });
  const state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | undefined = byOutTradeNo.data.trade_state;
  await wxpay['v3/pay/transactions/id/{transaction_id}'].get({ transaction_id: '4200000000000000000000000000', query: { mchid } });
  await wxpay.chain('/v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ out_trade_no: 'x', json: { mchid } });
  // 8: partner JSAPI, 9: combine JSAPI.
  await wxpay.v3.pay.partner.transactions.jsapi.post({ json: { sp_appid: appid, sp_mchid: mchid, sub_mchid: '1900000100', description: 'd', out_trade_no: 'o', notify_url: 'https://a/b', amount: { total: 1 }, payer: { sp_openid: 'o' } } });
  await wxpay.v3.combineTransactions.jsapi.post({
    json: {
      combine_appid: appid, combine_mchid: mchid, combine_out_trade_no: 'c1', notify_url: 'https://a/b', combine_payer_info: {},
      sub_orders: [{ mchid, attach: 'a', amount: { total_amount: 1, currency: 'CNY' }, out_trade_no: 's1', sub_mchid: '1900000100', description: 'd' }],
    },
  });
  // A raw body stands in for json, byte for byte.
  await wxpay.v3.pay.transactions.native.post({ body: '{"appid":"wx"}' });

  // @ts-expect-error a missing required body field (notify_url)
  await wxpay.v3.pay.transactions.native.post({ json: { appid, mchid, description: 'd', out_trade_no: 'o', amount: { total: 1 } } });
  // @ts-expect-error an amount given as a string, where the facts say integer
  await wxpay['v3/pay/transactions/native'].post({ json: { ...order, amount: { total: '100' } } });
  // @ts-expect-error a missing payer.openid, nested
  await wxpay.chain('v3/pay/transactions/jsapi').post({ json: { ...order, payer: {} } });
  // @ts-expect-error a missing json
  await wxpay.v3.pay.transactions.jsapi.post({});
  // @ts-expect-error a missing path variable
  await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ query: { mchid } });
  // @ts-expect-error a missing required query field
  await wxpay.v3.pay.transactions.id._transaction_id_.get({ transaction_id: '42', query: {} });
  // @ts-expect-error a field the answer does not have
  void chained.data.code_url;
  // @ts-expect-error an answer enum compared with a value it never takes
  if (byOutTradeNo.data.trade_state === 'PAID') void 0;
  // @ts-expect-error an option that exists nowhere
  await wxpay.v3.pay.transactions.native.post({ json: order, jsno: order });
  void strings;
  void state;
}

export async function refundsBillsTransfers(): Promise<void> {
  // 10-11: refunds; 12-13: bills; 14: the file download; 15-16: transfer bills (user_name is encrypted).
  const refund = await wxpay.v3.refund.domestic.refunds.post({ json: { out_refund_no: 'r1', out_trade_no: 'o1', amount: { refund: 1, total: 1, currency: 'CNY' } } });
  const status: string = refund.data.status;
  await wxpay.v3.refund.domestic.refunds._out_refund_no_.get({ out_refund_no: 'r1' });
  const bill = await wxpay.v3.bill.tradebill.get({ query: { bill_date: '2026-11-22', tar_type: 'GZIP' } });
  const url: string = bill.data.download_url;
  await wxpay.v3.bill.fundflowbill.get({ query: { bill_date: '2026-11-22' } });
  const file = await wxpay.v3.billdownload.file.get({ query: { token: 't' }, responseType: 'arraybuffer' });
  exactly<typeof file.data, FileAnswer>(true);
  await wxpay.v3.fundApp.mchTransfer.transferBills.post({
    json: {
      appid, out_bill_no: 'b1', openid: 'o', transfer_amount: 100, transfer_remark: 'r', transfer_scene_id: '1000',
      user_name: wxpay.encrypt('张三'), transfer_scene_report_infos: [{ info_type: '活动名称', info_content: '新会员有礼' }],
    },
  });
  const transfer = await wxpay.v3.fundApp.mchTransfer.transferBills.outBillNo._out_bill_no_.get({ out_bill_no: 'b1' });
  void transfer.data.state;
  // 17: transfer batches (legacy).
  await wxpay['v3/transfer/batches'].post({ json: { appid, out_batch_no: 'b', batch_name: 'n', batch_remark: 'r', total_amount: 1, total_num: 1, transfer_detail_list: [{ out_detail_no: 'd', transfer_amount: 1, transfer_remark: 'r', openid: 'o', user_name: wxpay.encrypt('张三') }], transfer_scene_id: '1000' } });
  // 18: abnormal refund.
  await wxpay.v3.refund.domestic.abnormalRefunds._refund_id_.apply.post({ refund_id: '50000000382019052709732678859', json: { out_refund_no: 'r1', type: 'USER_BANK_CARD' } });

  // @ts-expect-error refund currency missing from a nested required object
  await wxpay.v3.refund.domestic.refunds.post({ json: { out_refund_no: 'r1', amount: { refund: 1, total: 1 } } });
  // @ts-expect-error tar_type is an enum (GZIP only)
  await wxpay.v3.bill.tradebill.get({ query: { bill_date: '2026-11-22', tar_type: 'ZIP' } });
  // @ts-expect-error transfer_scene_id is an enum
  await wxpay.v3.fundApp.mchTransfer.transferBills.post({ json: { appid, out_bill_no: 'b1', openid: 'o', transfer_amount: 1, transfer_remark: 'r', transfer_scene_id: '9999', transfer_scene_report_infos: [] } });
  // @ts-expect-error the items of transfer_scene_report_infos need info_content
  await wxpay.v3.fundApp.mchTransfer.transferBills.post({ json: { appid, out_bill_no: 'b1', openid: 'o', transfer_amount: 1, transfer_remark: 'r', transfer_scene_id: '1000', transfer_scene_report_infos: [{ info_type: 't' }] } });
  void status;
  void url;
}

export async function profitSharingComplaintsMarketing(): Promise<void> {
  // 19-22: profit sharing.
  await wxpay.v3.profitsharing.orders.post({ json: { transaction_id: '42', out_order_no: 'p1', unfreeze_unsplit: true, receivers: [{ type: 'MERCHANT_ID', account: '1900000109', amount: 1, description: 'd' }] } });
  await wxpay.v3.profitsharing.orders._out_order_no_.get({ out_order_no: 'p1', query: { transaction_id: '42' } });
  await wxpay.v3.profitsharing.receivers.add.post({ json: { appid, type: 'PERSONAL_OPENID', account: 'o', relation_type: 'STORE', name: wxpay.encrypt('张三') } });
  await wxpay.v3.profitsharing.returnOrders.post({ json: { out_order_no: 'p1', out_return_no: 'r1', return_mchid: mchid, amount: 1, description: 'd' } });
  // 23: `receivers/delete` is reached by chain() and bracket keys: `.delete` is the verb.
  await wxpay['v3/profitsharing/receivers/delete'].post({ json: { appid, type: 'MERCHANT_ID', account: mchid } });
  // 24-25: complaints; 26: a complaint image, a file.
  const list = await wxpay.v3.merchantService.complaintsV2.get({ query: { begin_date: '2026-11-01', end_date: '2026-11-22', limit: 10 } });
  void list.data.data;
  await wxpay.v3.merchantService.complaintsV2._complaint_id_.get({ complaint_id: '200000020221020220000000001' });
  const image = await wxpay.v3.merchantService.images._media_id_.get({ media_id: 'm' });
  exactly<typeof image.data, FileAnswer>(true);
  // 27-28: coupons; 29: a partnership, whose Idempotency-Key header is required.
  await wxpay.v3.marketing.favor.users._openid_.coupons.post({ openid: 'o', json: { stock_id: 's', out_request_no: 'r', appid, stock_creator_mchid: mchid } });
  await wxpay.v3.marketing.favor.users._openid_.coupons.get({ openid: 'o', query: { appid } });
  await wxpay.v3.marketing.partnerships.build.post({ headers: { 'Idempotency-Key': 'k1' }, json: { partner: { type: 'APPID', appid }, authorized_data: { business_type: 'FAVOR_STOCK' } } });
  // 30-31: e-commerce profit sharing and refunds.
  await wxpay.v3.ecommerce.profitsharing.orders.get({ query: { sub_mchid: '1900000100', transaction_id: '42', out_order_no: 'p1' } });
  await wxpay.v3.ecommerce.refunds.apply.post({ json: { sp_appid: appid, sub_mchid: '1900000100', combine_transaction_id: 'c', transaction_id: '42', out_refund_no: 'r', amount: { refund: 1, total: 1, currency: 'CNY' }, funds_account: 'AVAILABLE' } } as RequestOf<'v3/ecommerce/refunds/apply', 'post'>);
  // 32-33: pay score.
  await wxpay.v3.payscore.serviceorder.get({ query: { service_id: 's', appid, out_order_no: 'o' } });
  await wxpay.v3.payscore.serviceorder.post({ json: { out_order_no: 'o', appid, service_id: 's', service_introduction: 'i', time_range: { start_time: 'OnAccept' }, risk_fund: { name: 'DEPOSIT', amount: 1 }, notify_url: 'https://a/b' } });

  // @ts-expect-error relation_type is an enum
  await wxpay.v3.profitsharing.receivers.add.post({ json: { appid, type: 'PERSONAL_OPENID', account: 'o', relation_type: 'FRIEND' } });
  // @ts-expect-error the Idempotency-Key header is required
  await wxpay.v3.marketing.partnerships.build.post({ json: { partner: { type: 'APPID' }, authorized_data: { business_type: 'FAVOR_STOCK' } } });
  // @ts-expect-error begin_date is required
  await wxpay.v3.merchantService.complaintsV2.get({ query: { end_date: '2026-11-22' } });
}

export async function uploadsHostsAndOddities(): Promise<void> {
  // 34-35: multipart uploads; the receipt needs its own meta fields.
  const media = await wxpay.v3.merchant.media.upload.post({ upload: { filename: 'logo.png', data: buffer } });
  const mediaId: string = media.data.media_id;
  await wxpay.v3.marketing.shoppingReceipt.shoppingreceipts.post({ upload: { filename: 'r.png', data: buffer, meta: { transaction_id: '42', openid: 'o' } } });
  // An upload whose meta names the file and its digest otherwise: the caller gives them.
  await wxpay.v3.taxiInvoice.cards.uploadFile.post({ upload: { filename: 'c.pdf', data: buffer, meta: { company_mchid: mchid, digest: 'd', digest_algorithm: 'a', region_id: 110000 } } });
  // 36: the trailing-slash applyment, as written and chained.
  await wxpay['v3/applyment4sub/applyment/'].post({ json: {} as NonNullable<RequestOf<'v3/applyment4sub/applyment/', 'post'>['json']> });
  // 37-39: Hong Kong and global trees; the v3/global family (served from the HK host).
  await wxpay.hk.v3.transactions.jsapi.post({ json: { mchid, appid, sub_mchid: 's', sp_mchid: 'p', sp_appid: 'a', description: 'd', notify_url: 'https://a/b', out_trade_no: 'o', trade_type: 'JSAPI', merchant_category_code: '4111', amount: { total: 1 } } });
  await wxpay.global.v3.customs.orders.get({ query: { appid, mchid, order_type: 'out_trade_no', order_no: 'o', customs: 'NINGBO' } });
  await wxpay['v3/global/transactions/native'].post({ json: { mchid, appid, sub_mchid: 's', sp_mchid: 'p', sp_appid: 'a', description: 'd', notify_url: 'https://a/b', out_trade_no: 'o', trade_type: 'NATIVE', merchant_category_code: '4111', amount: { total: 1 } } });
  // 40-42: APIv2 with `xml`; nonce_str and sign are the client's. The mixed-case path: chain() and brackets only.
  const micropay = await wxpay.v2.pay.micropay.post({ xml: { appid, mch_id: mchid, body: 'b', out_trade_no: 'o', total_fee: 1, spbill_create_ip: '127.0.0.1', auth_code: '120061098828009406' } });
  void micropay.data;
  await wxpay.v2.secapi.pay.refund.post({ security: true, xml: { appid, mch_id: mchid, transaction_id: '42', out_trade_no: 'o', out_refund_no: 'r', total_fee: 1, refund_fee: 1 } });
  await wxpay.chain('v2/secapi/mch/addInstitutionsub').post({ xml: {} as RequestOf<'v2/secapi/mch/addInstitutionsub', 'post'>['xml'] });
  // 43: options are optional exactly when nothing in them is required.
  const certificates = await wxpay.v3.certificates.get();
  void certificates.data.data;

  // @ts-expect-error an upload needs its file
  await wxpay.v3.merchant.media.upload.post({ upload: { filename: 'logo.png' } });
  // @ts-expect-error the receipt's meta fields are required
  await wxpay.v3.marketing.shoppingReceipt.shoppingreceipts.post({ upload: { filename: 'r.png', data: buffer } });
  // @ts-expect-error customs is an enum
  await wxpay.global.v3.customs.orders.get({ query: { appid, mchid, order_type: 'out_trade_no', order_no: 'o', customs: 'MARS' } });
  // @ts-expect-error total_fee is a number in the facts
  await wxpay.v2.pay.micropay.post({ xml: { appid, mch_id: mchid, body: 'b', out_trade_no: 'o', total_fee: '1', spbill_create_ip: '127.0.0.1', auth_code: 'a' } });
  // No chained property spells a mixed-case v2 segment: chained, it is an untyped node.
  exactly<typeof wxpay.v2.secapi.mch.addInstitutionsub, AnyNode>(true);
  // @ts-expect-error the client computes the receipt's sha256
  await wxpay.v3.marketing.shoppingReceipt.shoppingreceipts.post({ upload: { filename: 'r.png', data: buffer, meta: { transaction_id: '42', openid: 'o', sha256: 'x' } } });
  // @ts-expect-error the taxi card upload's digest is the caller's, and required
  await wxpay.v3.taxiInvoice.cards.uploadFile.post({ upload: { filename: 'c.pdf', data: buffer, meta: { company_mchid: mchid, digest_algorithm: 'a', region_id: 110000 } } });
  // @ts-expect-error an upload endpoint takes no json
  await wxpay.v3.merchant.media.upload.post({ json: {} });
  void mediaId;
}

// RequestOf / ResponseOf, and the seeds keeping exactly their hand-written types.
exactly<ResponseOf<'v3/businesscircle/user-authorizations/{openid}', 'get'>, UserAuthorization>(true);
type SeedOptions = TypedOptions<Endpoints['v3/marketing/membercard-open/cards/{card_id}/permission-tokens']['post']>;
type SeedRequest = RequestOf<'v3/marketing/membercard-open/cards/{card_id}/permission-tokens', 'post'>;
export const seedBothWays: [SeedRequest, SeedOptions] = [null! as SeedOptions, null! as SeedRequest];
exactly<Extract<SeedRequest, { json: unknown }>['json'], PermissionTokenRequest>(true);
exactly<ResponseOf<'v3/bill/tradebill', 'get'>['download_url'], string>(true);
exactly<keyof RequestOf<'v3/pay/transactions/out-trade-no/{out_trade_no}', 'get'>['query'], 'mchid'>(true);
export async function wrapper(options: RequestOf<'v3/pay/transactions/jsapi', 'post'>): Promise<ResponseOf<'v3/pay/transactions/jsapi', 'post'>> {
  return (await wxpay.v3.pay.transactions.jsapi.post(options)).data;
}

// A path known only at run time is an untyped node, under a contextual type too (the answer of
// chain() is NoInfer: inferring into its lookup cost the checker half a second per such call).
export function dynamic(template: string): AnyNode {
  const node: AnyNode = wxpay.chain(template);
  const nested: unknown = wxpay.v3.pay.chain(template);
  exactly<ReturnType<typeof wxpay.chain<string>>, AnyNode>(true);
  exactly<ReturnType<typeof wxpay.v3.chain<'pay/transactions/jsapi'>>['post'], typeof wxpay.v3.pay.transactions.jsapi.post>(true);
  void nested;
  return node;
}
