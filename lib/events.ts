/**
 * Callback events, typed: `Notifications` hands over a union discriminated by `event_type`, each
 * known event's `resource` typed from the answer of the operation that queries the same thing
 * (a transaction's callback carries what the transaction query answers). Every other event type
 * the facts list has `resource: unknown`.
 */
import type { EventType } from './endpoints/events.js';
import type { ResponseOf } from './types.js';

/** The envelope of a verified, decrypted callback, `resource` replaced by its parsed plaintext. */
export interface NotificationEvent<T = unknown, E extends string = string> {
  id: string;
  /** RFC 3339, e.g. `2024-05-20T10:00:00+08:00`. */
  create_time: string;
  /** E.g. `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`. */
  event_type: E;
  /** `encrypt-resource`. */
  resource_type: string;
  summary: string;
  /** The decrypted resource, parsed as JSON (the text itself, should it not be JSON). */
  resource: T;
}

/** Known event types and their resources. */
export interface KnownEvents {
  /** A payment succeeded: direct (商户), partner (服务商) or combined (合单) order; tell them apart by `sp_mchid` / `combine_out_trade_no`. */
  'TRANSACTION.SUCCESS':
    | ResponseOf<'v3/pay/transactions/id/{transaction_id}', 'get'>
    | ResponseOf<'v3/pay/partner/transactions/id/{transaction_id}', 'get'>
    | ResponseOf<'v3/combine-transactions/out-trade-no/{combine_out_trade_no}', 'get'>;
  'REFUND.SUCCESS': ResponseOf<'v3/refund/domestic/refunds/{out_refund_no}', 'get'>;
  'REFUND.ABNORMAL': ResponseOf<'v3/refund/domestic/refunds/{out_refund_no}', 'get'>;
  'REFUND.CLOSED': ResponseOf<'v3/refund/domestic/refunds/{out_refund_no}', 'get'>;
  /** The merchant transfer (商家转账, 2025) reached a final state. */
  'MCHTRANSFER.BILL.FINISHED': ResponseOf<'v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{out_bill_no}', 'get'>;
  PROFITSHARING: ResponseOf<'v3/profitsharing/orders/{out_order_no}', 'get'>;
  PROFITSHARING_RETURN: ResponseOf<'v3/profitsharing/return-orders/{out_return_no}', 'get'>;
  'COMPLAINT.CREATE': ResponseOf<'v3/merchant-service/complaints-v2/{complaint_id}', 'get'>;
  'COMPLAINT.STATE_CHANGE': ResponseOf<'v3/merchant-service/complaints-v2/{complaint_id}', 'get'>;
  'COUPON.USE': ResponseOf<'v3/marketing/favor/users/{openid}/coupons/{coupon_id}', 'get'>;
  'COUPON.SEND': ResponseOf<'v3/marketing/busifavor/users/{openid}/coupons/{coupon_code}/appids/{appid}', 'get'>;
}

/** Every event a callback may carry: known ones with their resource, the facts' others with `unknown`. */
export type WechatpayEvent =
  | { [E in keyof KnownEvents]: NotificationEvent<KnownEvents[E], E> }[keyof KnownEvents]
  | NotificationEvent<unknown, Exclude<EventType, keyof KnownEvents>>;
