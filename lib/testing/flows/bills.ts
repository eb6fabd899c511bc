/**
 * Bills (对账单): the trade bill and the fund-flow bill of a day, written from the sandbox's
 * own books in WeChat Pay's CSV layout (a header row, rows whose fields start with a backtick,
 * then a summary header and row), served at `download_url` (the real `v3/billdownload/file`
 * path, so every SDK's unsigned-download rule applies), gzipped when asked, with the SHA-1 of
 * the uncompressed bill. Unlike WeChat Pay, any day up to today (Beijing time) has its bill.
 */
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { paramError, queryFields, refuse } from './answers.js';
import type { FlowRoute } from './routes.js';
import { billDate, billTime, yuan, type FlowState, type Order, type Refund } from './state.js';

/** How long a `download_url` stays valid. */
const TOKEN_TTL_MS = 5 * 60_000;
/** The payment fee rate the sandbox charges, as bills print it. */
const FEE_RATE = 0.006;

const TRADE_COLUMNS = {
  ALL: ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'],
  SUCCESS: ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '费率备注'],
  REFUND: ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '退款申请时间', '退款成功时间', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'],
} as const;
const TRADE_SUMMARY = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'];
const FUND_COLUMNS = ['记账时间', '微信支付业务单号', '资金流水单号', '业务名称', '业务类型', '收支类型', '收支金额（元）', '账户结余（元）', '资金变更提交申请人', '备注', '业务凭证号'];
const FUND_SUMMARY = ['资金流水总笔数', '收入笔数', '收入金额', '支出笔数', '支出金额'];

type BillType = keyof typeof TRADE_COLUMNS;

/** Fen of fee as yuan with five decimals, as bills print fees. */
const fee = (fen: number) => ((fen * FEE_RATE) / 100).toFixed(5);

/** One CSV line: fields of data rows lead with a backtick so spreadsheets keep them as text. */
const line = (fields: readonly string[], quoted: boolean) => fields.map((field) => (quoted ? `\`${field}` : field)).join(',');

function orderFields(order: Order): Record<string, string> {
  return {
    交易时间: billTime(order.success_time!),
    公众账号ID: order.sub_appid ?? order.appid,
    商户号: order.mchid,
    特约商户号: order.sub_mchid ?? '0',
    设备号: '',
    微信订单号: order.transaction_id!,
    商户订单号: order.out_trade_no,
    用户标识: order.payer.openid ?? order.payer.sub_openid ?? order.payer.sp_openid ?? '',
    交易类型: order.trade_type,
    付款银行: 'OTHERS',
    货币种类: 'CNY',
    代金券金额: '0.00',
    充值券退款金额: '0.00',
    商品名称: order.description,
    商户数据包: order.attach ?? '',
    费率: `${(FEE_RATE * 100).toFixed(2)}%`,
    订单金额: yuan(order.total),
    费率备注: '',
  };
}

function paymentRow(order: Order): Record<string, string> {
  return {
    ...orderFields(order),
    交易状态: 'SUCCESS', 应结订单金额: yuan(order.total), 微信退款单号: '0', 商户退款单号: '0', 退款金额: '0.00',
    退款类型: '', 退款状态: '', 手续费: fee(order.total), 申请退款金额: '0.00',
  };
}

function refundRow(refund: Refund): Record<string, string> {
  return {
    ...orderFields(refund.order),
    交易状态: 'REFUND', 应结订单金额: '0.00', 退款申请时间: billTime(refund.created),
    退款成功时间: refund.success_time ? billTime(refund.success_time) : '',
    微信退款单号: refund.refund_id, 商户退款单号: refund.out_refund_no, 退款金额: yuan(refund.refund),
    退款类型: 'ORIGINAL', 退款状态: refund.status, 手续费: `-${fee(refund.refund)}`, 申请退款金额: yuan(refund.refund),
    // The order's amount was counted on its payment row; the summary must not count it twice.
    订单金额: '0.00',
  };
}

/** The trade bill text of `date`, or `undefined` when nothing happened that day. */
export function tradeBill(state: FlowState, date: string, type: BillType, sub_mchid?: string): string | undefined {
  const mine = (order: Order) => sub_mchid === undefined || order.sub_mchid === sub_mchid;
  const payments = type === 'REFUND' ? [] : [...state.transactions.values()].filter((order) => mine(order) && billDate(order.success_time!) === date);
  const refunds = type === 'SUCCESS' ? [] : [...state.refunds.values()].filter((refund) => mine(refund.order) && billDate(refund.created) === date);
  const rows = [...payments.map(paymentRow), ...refunds.map(refundRow)];
  if (rows.length === 0) return undefined;
  const columns = TRADE_COLUMNS[type];
  const sum = (pick: (row: Record<string, string>) => string) => rows.reduce((total, row) => total + Math.round(Number(pick(row)) * 100_000), 0);
  const money = (field: string) => yuan(sum((row) => row[field] ?? '0') / 1000);
  const summary = [
    String(rows.length), money('应结订单金额'), money('退款金额'), '0.00',
    (sum((row) => row.手续费!) / 100_000).toFixed(5), money('订单金额'), money('申请退款金额'),
  ];
  return [line(columns, false), ...rows.map((row) => line(columns.map((column) => row[column] ?? ''), true)), line(TRADE_SUMMARY, false), line(summary, true), ''].join('\r\n');
}

/** The fund-flow bill text of `date` for the basic account, or `undefined` when no money moved. */
export function fundFlowBill(state: FlowState, date: string): string | undefined {
  const entries = state.ledger.filter((entry) => billDate(entry.at) === date);
  if (entries.length === 0) return undefined;
  const rows = entries.map((entry) => [
    billTime(entry.at), entry.business_no, entry.flow_no, entry.name, entry.type, entry.income ? '收入' : '支出',
    yuan(entry.amount), yuan(entry.balance), entry.applicant, entry.remark, entry.voucher,
  ]);
  const incomes = entries.filter((entry) => entry.income);
  const outgoings = entries.filter((entry) => !entry.income);
  const total = (list: typeof entries) => yuan(list.reduce((sum, entry) => sum + entry.amount, 0));
  const summary = [String(entries.length), String(incomes.length), total(incomes), String(outgoings.length), total(outgoings)];
  return [line(FUND_COLUMNS, false), ...rows.map((row) => line(row, true)), line(FUND_SUMMARY, false), line(summary, true), ''].join('\r\n');
}

/** `bill_date` as WeChat Pay checks it, and no later than today in Beijing. */
function billDateOf(query: URLSearchParams): string {
  const date = queryFields(query).text('bill_date', 10);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  if (!valid) throw paramError('bill_date', 'bill_date must be a date written YYYY-MM-DD', 'query');
  if (date > billDate(new Date())) throw refuse('INVALID_REQUEST', '账单日期不能晚于当前日期');
  return date;
}

/** Stores a bill under a fresh token; answers its `download_url` and the SHA-1 of the uncompressed text. */
function stored(state: FlowState, text: string | undefined, query: URLSearchParams, base: string, encryption?: { key: Buffer; nonce: string }) {
  if (text === undefined) throw refuse('NO_STATEMENT_EXIST', '账单文件不存在');
  const gzip = query.has('tar_type') && queryFields(query).oneOf('tar_type', ['GZIP']) === 'GZIP';
  const bytes = Buffer.from(text, 'utf8');
  const now = Date.now();
  for (const [token, bill] of state.bills) if (bill.expires < now) state.bills.delete(token);
  const token = randomBytes(24).toString('base64url');
  state.bills.set(token, { bytes, gzip, expires: now + TOKEN_TTL_MS, ...(encryption ? { encryption } : {}) });
  return { hash_type: 'SHA1', hash_value: createHash('sha1').update(bytes).digest('hex'), download_url: `${base}v3/billdownload/file?token=${token}` };
}

/** A plain bill's answer: its `download_url` and digest. */
function offer(state: FlowState, text: string | undefined, query: URLSearchParams, base: string) {
  return { status: 200, body: stored(state, text, query, base) };
}

/**
 * An encrypted bill's answer (sub-merchant and e-commerce fund-flow bills): one part in
 * `download_bill_list`, its file AES-256-GCM encrypted under a fresh key and nonce, the key
 * RSA-OAEP encrypted to the merchant's certificate as `encrypt_key`.
 */
function offerEncrypted(state: FlowState, text: string | undefined, query: URLSearchParams, base: string) {
  const algorithm = queryFields(query).oneOf('algorithm', ['AEAD_AES_256_GCM', 'SM4_GCM']);
  if (algorithm !== 'AEAD_AES_256_GCM') throw refuse('INVALID_REQUEST', '沙箱仅支持 AEAD_AES_256_GCM 加密的账单');
  const key = randomBytes(32);
  const nonce = randomBytes(8).toString('hex');
  const entry = stored(state, text, query, base, { key, nonce });
  const encrypt_key = publicEncrypt({ key: state.merchantKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64');
  return { status: 200, body: { download_bill_count: 1, download_bill_list: [{ bill_sequence: 1, ...entry, encrypt_key, nonce }] } };
}

/** A stored bill's bytes as served: gzipped when asked, then encrypted (ciphertext ‖ tag) when it is an encrypted kind. */
function served(bill: { bytes: Buffer; gzip: boolean; encryption?: { key: Buffer; nonce: string } }): Buffer {
  const bytes = bill.gzip ? gzipSync(bill.bytes) : bill.bytes;
  if (!bill.encryption) return bytes;
  const cipher = createCipheriv('aes-256-gcm', bill.encryption.key, Buffer.from(bill.encryption.nonce, 'utf8'));
  return Buffer.concat([cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
}

export const BILL_ROUTES: readonly FlowRoute[] = [
  {
    method: 'GET',
    path: /^v3\/bill\/tradebill$/,
    handle: (state, _vars, query, _body, request) => {
      const date = billDateOf(query);
      const fields = queryFields(query);
      const type = fields.oneOf('bill_type', ['ALL', 'SUCCESS', 'REFUND'] as const, 'ALL');
      return offer(state, tradeBill(state, date, type, fields.optionalText('sub_mchid', 32)), query, request.base);
    },
  },
  {
    method: 'GET',
    path: /^v3\/bill\/fundflowbill$/,
    handle: (state, _vars, query, _body, request) => {
      const date = billDateOf(query);
      const account = queryFields(query).oneOf('account_type', ['BASIC', 'OPERATION', 'FEES'] as const, 'BASIC');
      return offer(state, account === 'BASIC' ? fundFlowBill(state, date) : undefined, query, request.base);
    },
  },
  {
    // The sandbox keeps one set of books: a sub-merchant's fund flow is the merchant's own.
    method: 'GET',
    path: /^v3\/bill\/sub-merchant-fundflowbill$/,
    handle: (state, _vars, query, _body, request) => {
      const date = billDateOf(query);
      const fields = queryFields(query);
      fields.text('sub_mchid', 32);
      const account = fields.oneOf('account_type', ['BASIC', 'OPERATION', 'FEES'] as const);
      return offerEncrypted(state, account === 'BASIC' ? fundFlowBill(state, date) : undefined, query, request.base);
    },
  },
  {
    method: 'GET',
    path: /^v3\/ecommerce\/bill\/fundflowbill$/,
    handle: (state, _vars, query, _body, request) => {
      const date = billDateOf(query);
      queryFields(query).oneOf('account_type', ['ALL'] as const);
      return offerEncrypted(state, fundFlowBill(state, date), query, request.base);
    },
  },
  {
    method: 'GET',
    path: /^v3\/billdownload\/file$/,
    handle: (state, _vars, query) => {
      const bill = state.bills.get(queryFields(query).text('token', 64));
      if (!bill || bill.expires < Date.now()) throw refuse('INVALID_REQUEST', '下载链接已失效，请重新获取');
      return { status: 200, file: { bytes: served(bill), contentType: 'application/octet-stream' } };
    },
  },
];
