// Type tests of the encrypted fields (compiled by `tsc --noEmit`, never executed): a field WeChat Pay
// wants as a ciphertext takes only `Sealed`, in the three access styles, nested and in list items,
// in query and upload meta; a clear-text string is a compile error; optional stays optional.
import { Rsa, Sealed, type WechatpayClient, type ResponseOf } from '../../lib/index.js';
import type { KeyObject } from 'node:crypto';

declare const wxpay: WechatpayClient;
declare const platformKey: KeyObject;
declare const buffer: Buffer;
declare const stored: string;

const appid = 'wxd678efh567hg6787';
const bill = { appid, out_bill_no: 'plfk2020042013', transfer_scene_id: '1000' as const, openid: 'o', transfer_amount: 400000, transfer_remark: 'r', transfer_scene_report_infos: [] };

export async function sealedFields(): Promise<void> {
  // What makes a Sealed: wxpay.encrypt, Rsa.encrypt, Sealed.from; all three are accepted everywhere.
  const sealed: Sealed = wxpay.encrypt('张三');
  const byKey: Sealed = Rsa.encrypt('张三', platformKey);
  const checked: Sealed = Sealed.from(stored);
  // A Sealed is still a string wherever a string is wanted.
  const text: string = sealed;

  await wxpay.v3.fundApp.mchTransfer.transferBills.post({ json: { ...bill, user_name: sealed } });
  await wxpay.chain('v3/fund-app/mch-transfer/transfer-bills').post({ json: { ...bill, user_name: byKey } });
  await wxpay['v3/fund-app/mch-transfer/transfer-bills'].post({ json: { ...bill, user_name: checked } });
  // Optional stays optional.
  await wxpay.v3.fundApp.mchTransfer.transferBills.post({ json: bill });

  // @ts-expect-error clear text where WeChat Pay wants a ciphertext (chained)
  await wxpay.v3.fundApp.mchTransfer.transferBills.post({ json: { ...bill, user_name: '张三' } });
  // @ts-expect-error clear text where WeChat Pay wants a ciphertext (chain())
  await wxpay.chain('v3/fund-app/mch-transfer/transfer-bills').post({ json: { ...bill, user_name: '张三' } });
  // @ts-expect-error clear text where WeChat Pay wants a ciphertext (bracket key)
  await wxpay['v3/fund-app/mch-transfer/transfer-bills'].post({ json: { ...bill, user_name: text } });

  // In list items, nested objects, the query and an upload's meta.
  const batch = { appid, out_batch_no: 'b', batch_name: 'n', batch_remark: 'r', total_amount: 1, total_num: 1, transfer_scene_id: '1000' };
  await wxpay.v3.transfer.batches.post({ json: { ...batch, transfer_detail_list: [{ out_detail_no: 'd', transfer_amount: 1, transfer_remark: 'r', openid: 'o', user_name: sealed }] } });
  // @ts-expect-error clear text in a list item
  await wxpay.v3.transfer.batches.post({ json: { ...batch, transfer_detail_list: [{ out_detail_no: 'd', transfer_amount: 1, transfer_remark: 'r', openid: 'o', user_name: '张三' }] } });
  await wxpay.v3.profitsharing.receivers.add.post({ json: { appid, type: 'PERSONAL_OPENID', account: 'o', relation_type: 'STORE', name: sealed } });
  // @ts-expect-error clear text in a profit-sharing receiver's name
  await wxpay.v3.profitsharing.receivers.add.post({ json: { appid, type: 'PERSONAL_OPENID', account: 'o', relation_type: 'STORE', name: '张三' } });
  await wxpay.v3.gov.subsidy.qualification.get({ query: { appliance_id: 1, qualification_region_code: 110000, real_name: sealed } });
  // @ts-expect-error clear text in a query field
  await wxpay.v3.gov.subsidy.qualification.get({ query: { appliance_id: 1, qualification_region_code: 110000, real_name: '张三' } });
  const receipt = { transaction_id: '4200000000000000000000000000', transaction_mchid: '1900000109', openid: 'o' };
  await wxpay.v3.marketing.shoppingReceipt.shoppingreceipts.post({ upload: { filename: 'r.png', data: buffer, meta: { ...receipt, merchant_contact_information: { consultation_phone_number: sealed } } } });
  // @ts-expect-error clear text in an upload's meta
  await wxpay.v3.marketing.shoppingReceipt.shoppingreceipts.post({ upload: { filename: 'r.png', data: buffer, meta: { ...receipt, merchant_contact_information: { consultation_phone_number: '13800138000' } } } });

  // Answers: the encrypted fields are Sealed, and wxpay.decrypt opens them.
  const { data } = await wxpay.v3.merchantService.complaintsV2._complaint_id_.get({ complaint_id: '200201820200101080076610000' });
  const phone: Sealed | undefined = data.payer_phone;
  if (phone !== undefined) {
    const opened: string = wxpay.decrypt(phone);
    void opened;
  }
  const answer: ResponseOf<'v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}', 'get'>['user_name'] = undefined;
  const sealedAnswer: Sealed | undefined = answer;
  void sealedAnswer;
}
