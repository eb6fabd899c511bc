/** The sandbox's APIv2 ledger: orders and refunds, changed by the operations and by `SandboxV2.pay`. */

/** An order, by `out_trade_no`. */
export interface V2Order {
  appid: string;
  out_trade_no: string;
  transaction_id: string;
  body: string;
  total_fee: number;
  trade_type: 'MICROPAY' | 'JSAPI' | 'NATIVE' | 'APP' | 'MWEB';
  trade_state: 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'PAYERROR';
  openid: string;
  notify_url?: string;
  prepay_id?: string;
  /** The sign type of the request that made the order: its callback is signed the same way. */
  sign_type: 'MD5' | 'HMAC-SHA256';
  /** When it was paid. */
  paid_at?: Date;
  /** A USERPAYING order turns SUCCESS at the first query from this time on. */
  settles_at?: number;
}

/** A refund, by `out_refund_no`. */
export interface V2Refund {
  out_refund_no: string;
  refund_id: string;
  out_trade_no: string;
  refund_fee: number;
  refund_status: 'PROCESSING' | 'SUCCESS';
  notify_url?: string;
  created_at: Date;
  succeeded_at?: Date;
}

/** What an APIv2 sandbox remembers. */
export interface V2State {
  orders: Map<string, V2Order>;
  refunds: Map<string, V2Refund>;
}
