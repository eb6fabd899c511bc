import { expect } from 'chai';
import { ArgumentError, Builder, Rsa, WechatpayError, type WechatpayClient } from '../../lib/index.js';
import { mswGateway } from '../support/gateway.js';

const APPID = 'wx1234567890abcdef';
const TRANSFERS = 'v3/fund-app/mch-transfer/transfer-bills';

describe('encrypted request fields: clear text never leaves the client', () => {
  const gateway = mswGateway();
  const { sandbox } = gateway;
  let wxpay: WechatpayClient;
  before(() => {
    wxpay = Builder.factory(sandbox.clientConfig());
  });

  const bill = (extra: object) => ({ appid: APPID, out_bill_no: `SF${Date.now()}`, transfer_scene_id: '1000', openid: 'o', transfer_amount: 500, transfer_remark: '张三的奖励', transfer_scene_report_infos: [{ info_type: '活动名称', info_content: 'x' }], ...extra });
  /** The call's error, and proof that nothing reached the wire. */
  const refusedBeforeSending = async (call: Promise<unknown>) => {
    const error = await call.then(() => expect.fail('sent'), (caught: unknown) => caught as ArgumentError);
    expect(gateway.seen, 'nothing sent').to.have.length(0);
    expect(error).to.be.instanceOf(ArgumentError);
    expect(error).to.include({ code: 'ERR_CIPHERTEXT', attempts: 0 });
    return error.message;
  };

  it('refuses a clear-text user_name (an any cast) in every style, naming the field, never quoting it', async () => {
    const json = bill({ user_name: '张三' }) as any;
    for (const call of [() => wxpay.v3.fundApp.mchTransfer.transferBills.post({ json }), () => wxpay.chain(TRANSFERS).post({ json }), () => wxpay[TRANSFERS].post({ json })]) {
      const message = await refusedBeforeSending(call());
      expect(message).to.match(/^POST v3\/fund-app\/mch-transfer\/transfer-bills: user_name must be a ciphertext \(wxpay\.encrypt\(plaintext\) or Sealed\.from\(text\)\); it is text of 2 characters that is not base64/);
      expect(message).not.to.include('张三');
    }
  });

  it('names list items, nested fields, query fields and upload meta by their path', async () => {
    const batch = { appid: APPID, out_batch_no: 'b1', batch_name: 'n', batch_remark: 'r', total_amount: 2, total_num: 2, transfer_scene_id: '1000' };
    const detail = (user_name: unknown) => ({ out_detail_no: 'd', transfer_amount: 1, transfer_remark: 'r', openid: 'o', user_name });
    expect(await refusedBeforeSending(wxpay.v3.transfer.batches.post({ json: { ...batch, transfer_detail_list: [detail(wxpay.encrypt('李四')), detail('王五')] } as any })))
      .to.include(': transfer_detail_list[1].user_name must be a ciphertext');
    expect(await refusedBeforeSending(wxpay.v3.gov.subsidy.qualification.get({ query: { appliance_id: 1, qualification_region_code: 110000, real_name: '张三' } as any })))
      .to.include(': query.real_name must be a ciphertext');
    const meta = { transaction_id: '4200000000000000000000000000', transaction_mchid: sandbox.mchid, openid: 'o', merchant_contact_information: { consultation_phone_number: '13800138000' } };
    expect(await refusedBeforeSending(wxpay.v3.marketing.shoppingReceipt.shoppingreceipts.post({ upload: { filename: 'r.png', data: Buffer.from('png'), meta } as any })))
      .to.include(': upload.meta.merchant_contact_information.consultation_phone_number must be a ciphertext (wxpay');
  });

  it('reads a raw body as the JSON it carries: clear text there is refused too', async () => {
    expect(await refusedBeforeSending(wxpay.chain(TRANSFERS).post({ body: JSON.stringify(bill({ user_name: '张三' })) })))
      .to.include(': user_name must be a ciphertext');
  });

  it('refuses base64 of the wrong size and non-strings: only an RSA-OAEP ciphertext for the client key fits', async () => {
    expect(await refusedBeforeSending(wxpay.chain(TRANSFERS).post({ json: bill({ user_name: Buffer.from('张三').toString('base64') }) as never })))
      .to.include('it is base64 of 6 bytes, where an RSA-2048 ciphertext has 256');
    expect(await refusedBeforeSending(wxpay.chain(TRANSFERS).post({ json: bill({ user_name: 42 }) as never }))).to.include('it is a number');
  });

  it('sends a sealed value, leaves absent and null optional fields alone, and never looks at fields that are not encrypted', async () => {
    // transfer_remark holds a name in clear text: it is not an encrypted field, so it is not inspected.
    // The sandbox's own check of the field (it opens it with the platform key) passes; its flow then
    // answers as WeChat Pay does for an account with no money in it.
    const answer = await wxpay.chain(TRANSFERS).post({ json: bill({ user_name: wxpay.encrypt('张三') }) as never }).catch((caught: unknown) => caught);
    expect(answer).to.include({ status: 403, code: 'NOT_ENOUGH' });
    expect(gateway.seen).to.have.length(1);
    gateway.seen.length = 0;
    await wxpay.chain(TRANSFERS).post({ json: bill({ user_name: null }) as never }).catch((caught: unknown) => expect(caught).not.to.be.instanceOf(ArgumentError));
    expect(gateway.seen, 'null: sent, the sandbox decides').to.have.length(1);
  });

  it('wxpay.decrypt opens an answer field sealed under the merchant key, and says ERR_DECRYPT for anything else', async () => {
    const { data } = await wxpay.v3.merchantService.complaintsV2._complaint_id_.get({ complaint_id: '200201820200101080076610000' });
    expect(data.payer_phone).to.have.length(344);
    expect(wxpay.decrypt(data.payer_phone!)).to.be.a('string').and.not.equal('');
    const sealedForPlatform = wxpay.encrypt('x');
    expect(() => wxpay.decrypt(sealedForPlatform)).to.throw(WechatpayError).with.property('code', 'ERR_DECRYPT');
    expect(() => wxpay.decrypt('张三')).to.throw(WechatpayError).with.property('code', 'ERR_DECRYPT');
    expect(Rsa.decrypt(data.payer_phone!, Rsa.from(sandbox.merchant.privateKey, Rsa.KEY_TYPE_PRIVATE))).to.equal(wxpay.decrypt(data.payer_phone!));
  });
});
