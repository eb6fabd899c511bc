/**
 * The dashboard page (`/sandbox/`): one self-contained HTML document, no build step and no
 * framework. It polls `state` once a second and posts every button to the same control routes a
 * script would use, so the page and scripts cannot disagree. It is served by the sandbox itself
 * and never sees a key: the state route carries orders, refunds, transfers and callbacks only.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>微信支付沙箱 · WeChat Pay sandbox</title>
<style>
  :root { --green: #07c160; --red: #fa5151; --amber: #f0a020; --grey: #888; --line: #e5e5e5; font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", system-ui, sans-serif; }
  body { margin: 0; background: #f7f7f7; color: #111; }
  header { background: var(--green); color: #fff; padding: 12px 16px; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  header small { opacity: .9; }
  main { padding: 12px; display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); align-items: start; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
  section h2 { font-size: 15px; margin: 0; padding: 10px 12px; border-bottom: 1px solid var(--line); display: flex; gap: 6px; align-items: baseline; }
  section h2 small { color: var(--grey); font-weight: normal; }
  section h2 span.count { margin-left: auto; color: var(--grey); font-weight: normal; }
  .empty { padding: 12px; color: var(--grey); font-size: 14px; }
  .row { padding: 10px 12px; border-bottom: 1px solid var(--line); display: grid; gap: 6px 12px; grid-template-columns: 1fr auto; font-size: 14px; }
  .row:last-child { border-bottom: 0; }
  .ids { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; color: #333; }
  .meta { color: var(--grey); font-size: 12px; }
  .state { font-weight: 600; padding: 1px 8px; border-radius: 10px; font-size: 12px; justify-self: end; align-self: start; background: #eee; }
  .state.SUCCESS, .state.ok { background: #e6f8ee; color: #06ad56; }
  .state.NOTPAY, .state.PROCESSING, .state.USERPAYING, .state.pending, .state.ACCEPTED, .state.WAIT_USER_CONFIRM { background: #fff5e0; color: #b06d00; }
  .state.PAYERROR, .state.CLOSED, .state.ABNORMAL, .state.REVOKED, .state.failed, .state.FAIL, .state.CANCELLED { background: #ffeded; color: var(--red); }
  .actions { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 6px; }
  button { font: inherit; font-size: 13px; border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; }
  button[data-action="pay"], button[data-action="succeed"] { border-color: var(--green); color: #06ad56; }
  button[data-action="fail"], button[data-action="close"], button[data-action="abnormal"] { border-color: #f3c0c0; color: var(--red); }
  button:disabled { opacity: .4; cursor: default; }
  .qr { grid-column: 1 / -1; display: flex; gap: 12px; align-items: center; }
  .qr svg { width: 132px; height: 132px; border: 1px solid var(--line); }
  .qr a { font-size: 12px; word-break: break-all; }
  table.tries { border-collapse: collapse; font-size: 12px; grid-column: 1 / -1; justify-self: start; }
  table.tries td { padding: 1px 8px 1px 0; color: #444; }
  #error { color: var(--red); padding: 0 16px; }
</style>
</head>
<body>
<header>
  <h1>微信支付沙箱 <small>WeChat Pay sandbox</small></h1>
  <small id="merchant"></small>
  <small>仅本机可访问 · loopback only</small>
</header>
<p id="error" role="alert"></p>
<main>
  <section id="orders"><h2>订单 <small>Orders</small><span class="count"></span></h2><div class="list"></div></section>
  <section id="refunds"><h2>退款 <small>Refunds</small><span class="count"></span></h2><div class="list"></div></section>
  <section id="transfers"><h2>转账 <small>Transfers</small><span class="count"></span></h2><div class="list"></div></section>
  <section id="callbacks"><h2>回调通知 <small>Callbacks</small><span class="count"></span></h2><div class="list"></div></section>
</main>
<script>
"use strict";
const base = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
const yuan = (amount) => amount ? (amount.total / 100).toFixed(2) + " " + (amount.currency || "CNY") : "";
// The state's times are WeChat Pay's own (Beijing time, +08:00, as its API writes them): shown as
// they are, never turned into the browser's zone or locale, so they match what the API returned.
const time = (text) => text ? text.replace("T", " ") : "";
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}
function button(action, label, target, enabled) {
  const node = el("button", { type: "button", "data-action": action }, label);
  node.disabled = !enabled;
  node.addEventListener("click", async () => {
    node.disabled = true;
    try {
      const response = await fetch(base + target.route, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(target.body) });
      if (!response.ok) throw new Error((await response.json().catch(() => ({}))).message || response.statusText);
      document.getElementById("error").textContent = "";
    } catch (error) {
      document.getElementById("error").textContent = String(error.message || error);
    }
    refresh();
  });
  return node;
}
function qr(order) {
  if (!order.qr) return null;
  const holder = el("div", { class: "qr" });
  holder.innerHTML = order.qr.svg;
  holder.append(el("a", { href: order.qr.text }, order.qr.text));
  return holder;
}
function orderRow(order) {
  const open = order.trade_state === "NOTPAY" || order.trade_state === "USERPAYING";
  const pay = { route: "pay", body: { out_trade_no: order.out_trade_no } };
  return el("div", { class: "row", "data-out-trade-no": order.out_trade_no, "data-state": order.trade_state },
    el("div", null,
      el("div", null, yuan(order.amount), " · ", order.trade_type || ""),
      el("div", { class: "ids" }, order.out_trade_no, order.transaction_id ? " · " + order.transaction_id : ""),
      el("div", { class: "meta" }, time(order.created_at), order.success_time ? " → " + time(order.success_time) : "")),
    el("span", { class: "state " + order.trade_state }, order.trade_state),
    qr(order),
    el("div", { class: "actions" },
      button("pay", "支付成功 Pay", pay, open),
      button("fail", "支付失败 Fail", { route: "pay", body: { out_trade_no: order.out_trade_no, trade_state: "PAYERROR" } }, open),
      button("close", "关闭 Close", { route: "pay", body: { out_trade_no: order.out_trade_no, trade_state: "CLOSED" } }, open)));
}
function refundRow(refund) {
  const open = refund.status === "PROCESSING";
  return el("div", { class: "row", "data-out-refund-no": refund.out_refund_no, "data-state": refund.status },
    el("div", null,
      el("div", null, yuan({ total: refund.amount && refund.amount.refund, currency: refund.amount && refund.amount.currency })),
      el("div", { class: "ids" }, refund.out_refund_no, " ← ", refund.out_trade_no || ""),
      el("div", { class: "meta" }, time(refund.create_time), refund.success_time ? " → " + time(refund.success_time) : "")),
    el("span", { class: "state " + refund.status }, refund.status),
    el("div", { class: "actions" },
      button("succeed", "退款成功 Succeed", { route: "refund", body: { out_refund_no: refund.out_refund_no, status: "SUCCESS" } }, open),
      button("abnormal", "退款异常 Abnormal", { route: "refund", body: { out_refund_no: refund.out_refund_no, status: "ABNORMAL" } }, open)));
}
function transferRow(transfer) {
  return el("div", { class: "row", "data-out-bill-no": transfer.out_bill_no, "data-state": transfer.state },
    el("div", null,
      el("div", null, yuan({ total: transfer.transfer_amount, currency: "CNY" })),
      el("div", { class: "ids" }, transfer.out_bill_no, transfer.transfer_bill_no ? " · " + transfer.transfer_bill_no : ""),
      el("div", { class: "meta" }, time(transfer.create_time))),
    el("span", { class: "state " + transfer.state }, transfer.state));
}
function callbackRow(callback) {
  const last = callback.tries[callback.tries.length - 1];
  const state = !last ? "pending" : last.status >= 200 && last.status < 300 ? "ok" : "failed";
  const tries = el("table", { class: "tries" });
  for (const attempt of callback.tries) tries.append(el("tr", null, el("td", null, time(attempt.at)), el("td", null, String(attempt.status || "—"))));
  return el("div", { class: "row", "data-callback": callback.id, "data-state": state },
    el("div", null,
      el("div", null, callback.event_type),
      el("div", { class: "ids" }, callback.url),
      el("div", { class: "meta" }, callback.tries.length + " 次 tries", callback.next_retry_at ? " · 下次重试 next " + time(callback.next_retry_at) : "")),
    el("span", { class: "state " + state }, state),
    tries,
    el("div", { class: "actions" }, button("resend", "重新发送 Resend", { route: "callbacks/resend", body: { id: callback.id } }, true)));
}
function fill(id, items, row) {
  const section = document.getElementById(id);
  section.querySelector(".count").textContent = String(items.length);
  const list = section.querySelector(".list");
  list.replaceChildren(...(items.length ? items.map(row) : [el("div", { class: "empty" }, "暂无 · none yet")]));
}
let version = -1;
async function refresh() {
  try {
    const response = await fetch(base + "state", { cache: "no-store" });
    const state = await response.json();
    if (state.version === version) return;
    version = state.version;
    document.getElementById("merchant").textContent = "商户号 mchid " + state.mchid;
    fill("orders", state.orders, orderRow);
    fill("refunds", state.refunds, refundRow);
    fill("transfers", state.transfers, transferRow);
    fill("callbacks", state.callbacks, callbackRow);
  } catch (error) {
    document.getElementById("error").textContent = "沙箱不可达 · sandbox unreachable";
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
