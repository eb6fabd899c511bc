// Type tests of callback events (compiled by `tsc --noEmit`, never executed): `event_type` narrows
// `resource` to the matching query operation's answer; other events' resources are `unknown`.
import type { Notifications, ResponseOf, WechatpayEvent } from '../../lib/index.js';

declare const notifications: Notifications;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exactly = <A, B>(proof: Equal<A, B>): void => void proof;

export async function events(body: string, headers: Record<string, string>): Promise<void> {
  const event = await notifications.verify(body, headers);
  exactly<typeof event, WechatpayEvent>(true);
  switch (event.event_type) {
    case 'TRANSACTION.SUCCESS': {
      const { resource } = event;
      if ('combine_out_trade_no' in resource) exactly<typeof resource, ResponseOf<'v3/combine-transactions/out-trade-no/{combine_out_trade_no}', 'get'>>(true);
      else if ('sp_mchid' in resource) void resource.sub_mchid;
      else void resource.out_trade_no;
      break;
    }
    case 'REFUND.SUCCESS':
    case 'REFUND.ABNORMAL':
    case 'REFUND.CLOSED':
      exactly<typeof event.resource, ResponseOf<'v3/refund/domestic/refunds/{out_refund_no}', 'get'>>(true);
      void event.resource.out_refund_no.toUpperCase();
      break;
    case 'MCHTRANSFER.BILL.FINISHED':
      void event.resource.out_bill_no;
      // @ts-expect-error a field the transfer bill query does not answer
      void event.resource.refund_id;
      break;
    case 'COMPLAINT.CREATE':
      void event.resource.complaint_id;
      break;
    case 'PAYSCORE.USER_PAID':
      // Events without a typed resource: unknown, never any.
      exactly<typeof event.resource, unknown>(true);
      // @ts-expect-error unknown must be narrowed before use
      void event.resource.out_order_no;
      break;
    default:
      break;
  }
  // @ts-expect-error not an event type of the facts
  if (event.event_type === 'TRANSACTION.PAID') void 0;
  // A caller may still name the resource's type.
  const named = await notifications.verify<{ out_trade_no: string }>(body, headers);
  void named.resource.out_trade_no;
}

export const handler = (n: Notifications) =>
  n.handler(async (event) => {
    if (event.event_type === 'COUPON.USE') void event.resource.coupon_id;
  });
