/**
 * The hosted customer portal page, drawn on the server from the objects the customer portal API
 * answers (CustomerSubscription, CustomerBenefitGrant, CustomerCustomerMeter) and the orders
 * resource's Order: who the customer is, their subscriptions (cancel at the end of the period,
 * or take that back, with plain forms), orders with their invoice and receipt, granted benefits
 * (license keys shown), and meters. No script: it works without JS.
 */
import type { Schemas } from "../domain/wire.js";
import type { Partition } from "../resources/context.js";
import type { PortalSubject } from "../resources/customer-sessions/service.js";
import type { Reply } from "../resources/operation.js";
import type { OrderWire } from "../resources/orders/serialize.js";
import { escapeHtml, formatMoney, htmlPage, intervalSuffix } from "./html.js";

/** What the page shows, read by the routes from the resources' services. */
export interface PortalView {
  partition: Partition;
  subject: PortalSubject;
  /** Relative path from the page's URL to the portal's root (`portal/` or `./`), for links and forms. */
  root: string;
  subscriptions: Schemas["CustomerSubscription"][];
  orders: OrderWire[];
  grants: Schemas["CustomerBenefitGrant"][];
  meters: Schemas["CustomerCustomerMeter"][];
  /** The license keys of the grants, by id: the key itself (the grant has its display key). */
  licenseKeys: ReadonlyMap<string, string>;
  /** Whether the subject may cancel (a member needs the owner or billing manager role). */
  canBill: boolean;
  notice?: string;
  /** An error of a change, shown above the page (its status is the page's). */
  error?: string;
}

/** Polar's cancellation reasons, worded as its cancellation dialog has them. */
export const CANCELLATION_REASONS: ReadonlyArray<[Schemas["CustomerCancellationReason"], string]> = [
  ["too_expensive", "Too expensive"],
  ["missing_features", "Missing features"],
  ["switched_service", "Switched to another service"],
  ["unused", "Not using it enough"],
  ["customer_service", "Customer service"],
  ["low_quality", "Low quality"],
  ["too_complex", "Too complicated"],
  ["other", "Other"],
];

const DATE = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});

/** `Dec 4, 2026` from a wire date; empty for null. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : DATE.format(date);
}

/** `1,234.5`: a number of units as a person reads it. */
function formatUnits(value: number): string {
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 }).format(value);
}

const PORTAL_CSS = `
body{background:#f9fafb}
.portal{max-width:900px;margin:0 auto;padding:32px 24px 48px}
.portal header{display:flex;align-items:center;gap:12px;margin-bottom:28px}
.portal header .title{font-weight:600}
.portal header .sub{color:#6b7280;font-size:13px}
.portal header .end{margin-left:auto;display:flex;align-items:center;gap:12px}
.portal .return{font-size:14px;color:#2563eb;text-decoration:none;border:1px solid #d1d5db;border-radius:10px;padding:6px 12px;background:#fff}
.portal .badge{margin-left:0}
section.box{background:#fff;border:1px solid #e5e7eb;border-radius:16px;padding:20px 24px;margin-bottom:20px}
section.box h2{font-size:16px;margin:0 0 14px}
.me{display:flex;align-items:center;gap:14px}
.me .avatar{width:40px;height:40px;font-size:16px}
.me .name{font-weight:600}
.me .email{color:#6b7280;font-size:14px}
.empty{color:#6b7280;font-size:14px;margin:0}
.sub-card{border:1px solid #e5e7eb;border-radius:12px;padding:14px 16px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start}
.sub-card+.sub-card{margin-top:10px}
.sub-card .what{flex:1 1 260px}
.sub-card .what .product{font-size:15px}
.sub-card .price{color:#111827;font-size:14px;margin-top:2px}
.sub-card .period{color:#6b7280;font-size:13px;margin-top:2px}
.sub-card .price+.period{margin-top:6px}
.sub-card form{flex-direction:row;align-items:center;gap:8px;flex-wrap:wrap}
.sub-card select{width:auto;padding:6px 10px;font-size:13px}
.sub-card button{padding:8px 14px;font-size:14px}
button.danger{background:#fff;color:#b91c1c;border:1px solid #fecaca}
.status{display:inline-block;font-size:12px;border-radius:999px;padding:1px 10px;margin-left:8px;background:#f3f4f6;color:#374151;font-weight:500;vertical-align:1px}
.status.active{background:#dcfce7;color:#166534}
.status.trialing{background:#dbeafe;color:#1e40af}
.status.past_due,.status.ending{background:#fef3c7;color:#92400e}
.status.canceled{background:#f3f4f6;color:#6b7280}
table{width:100%;border-collapse:collapse;font-size:14px}
th{text-align:left;font-weight:500;color:#6b7280;font-size:12px;text-transform:uppercase;letter-spacing:.04em;padding:0 8px 8px 0;border-bottom:1px solid #e5e7eb}
td{padding:10px 8px 10px 0;border-bottom:1px solid #f3f4f6;vertical-align:top}
tr:last-child td{border-bottom:0}
td.num,th.num{text-align:right}
td a{color:#2563eb;text-decoration:none;margin-right:10px}
.benefit{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:baseline;padding:10px 0;border-bottom:1px solid #f3f4f6}
.benefit:last-child{border-bottom:0}
.benefit .kind{color:#6b7280;font-size:12px}
.benefit .key{flex-basis:100%;font-size:13px;color:#374151}
.benefit code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;border-radius:6px;padding:2px 6px;word-break:break-all}
.portal header{flex-wrap:wrap}
.scroll{overflow-x:auto}
td.nowrap{white-space:nowrap}
@media(max-width:640px){.portal{padding:20px 14px 32px}.portal header .end{margin-left:0;width:100%;justify-content:space-between}section.box{padding:16px}}
.notice{border-radius:10px;padding:10px 14px;font-size:14px;margin-bottom:20px;background:#f0fdf4;color:#166534;border:1px solid #bbf7d0}
.notice.bad{background:#fef2f2;color:#991b1b;border-color:#fecaca}
`;

const BENEFIT_KINDS: Record<string, string> = {
  custom: "Custom",
  discord: "Discord",
  github_repository: "GitHub repository",
  downloadables: "Downloadables",
  license_keys: "License key",
  meter_credit: "Meter credit",
  feature_flag: "Feature flag",
};

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function statusBadge(subscription: Schemas["CustomerSubscription"]): string {
  if (subscription.cancel_at_period_end && subscription.ended_at === null)
    return `<span class="status ending" data-test="status">Cancels ${escapeHtml(formatDate(subscription.ends_at))}</span>`;
  const label = capitalized(subscription.status.replace(/_/g, " "));
  return `<span class="status ${escapeHtml(subscription.status)}" data-test="status">${escapeHtml(label)}</span>`;
}

/**
 * The query parameter the page passes a session's token on in: `customer_session_token`, as the
 * API's `customer_portal_url` has it for customer and member sessions alike (Polar's
 * MemberSession.customer_portal_url). The page also reads `member_session_token`, the parameter
 * of Polar's own member portal links.
 */
export const TOKEN_PARAM = "customer_session_token";

function tokenField(view: PortalView): string {
  return `<input type="hidden" name="${TOKEN_PARAM}" value="${escapeHtml(view.subject.session.token)}">`;
}

function subscriptionCard(view: PortalView, subscription: Schemas["CustomerSubscription"]): string {
  const price =
    formatMoney(subscription.amount, subscription.currency) +
    intervalSuffix(subscription.recurring_interval, subscription.recurring_interval_count);
  const live = subscription.ended_at === null && subscription.status !== "canceled";
  const period = live
    ? `Current period ${formatDate(subscription.current_period_start)} – ${formatDate(subscription.current_period_end)}`
    : `Ended ${formatDate(subscription.ended_at ?? subscription.ends_at)}`;
  const next = !live
    ? ""
    : subscription.cancel_at_period_end
      ? `Ends ${formatDate(subscription.ends_at ?? subscription.current_period_end)}, at the end of the period`
      : `Renews ${formatDate(subscription.current_period_end)}`;
  const action = `${view.root}subscriptions/${encodeURIComponent(subscription.id)}/`;
  let form = "";
  if (view.canBill && live && subscription.cancel_at_period_end) {
    form = `<form method="post" action="${escapeHtml(`${action}uncancel`)}">${tokenField(view)}<button type="submit" data-test="uncancel">Uncancel</button></form>`;
  } else if (
    view.canBill &&
    live &&
    (subscription.status === "active" || subscription.status === "trialing")
  ) {
    const reasons = CANCELLATION_REASONS.map(
      ([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`,
    ).join("");
    form = `<form method="post" action="${escapeHtml(`${action}cancel`)}">${tokenField(view)}<select name="cancellation_reason" aria-label="Reason for cancelling" data-test="reason"><option value="">Reason (optional)</option>${reasons}</select><button type="submit" class="danger" data-test="cancel">Cancel at period end</button></form>`;
  }
  return `<div class="sub-card" data-test="subscription" data-id="${escapeHtml(subscription.id)}"><div class="what"><span class="product" data-test="product">${escapeHtml(subscription.product.name)}</span>${statusBadge(subscription)}<div class="price" data-test="price">${escapeHtml(price)}</div><div class="period" data-test="period">${escapeHtml(period)}</div>${next ? `<div class="period" data-test="next">${escapeHtml(next)}</div>` : ""}</div>${form}</div>`;
}

function ordersTable(view: PortalView): string {
  if (!view.canBill)
    return `<p class="empty" data-test="orders-hidden">Orders are shown to the customer's owner and billing managers.</p>`;
  if (view.orders.length === 0) return `<p class="empty">No orders yet.</p>`;
  const token = `?${TOKEN_PARAM}=${encodeURIComponent(view.subject.session.token)}`;
  const rows = view.orders.map((order) => {
    const base = `${view.root}orders/${encodeURIComponent(order.id)}/`;
    const links = [
      order.is_invoice_generated
        ? `<a href="${escapeHtml(`${base}invoice.pdf${token}`)}" data-test="invoice">Invoice</a>`
        : "",
      order.receipt_number !== null
        ? `<a href="${escapeHtml(`${base}receipt.pdf${token}`)}" data-test="receipt">Receipt</a>`
        : "",
    ].join("");
    const what = order.product?.name ?? order.description;
    return `<tr data-test="order" data-id="${escapeHtml(order.id)}"><td class="nowrap">${escapeHtml(formatDate(order.created_at))}</td><td>${escapeHtml(what)}</td><td class="num" data-test="amount">${escapeHtml(formatMoney(order.total_amount, order.currency))}</td><td data-test="order-status">${escapeHtml(capitalized(order.status.replace(/_/g, " ")))}</td><td>${links}</td></tr>`;
  });
  return `<div class="scroll"><table><thead><tr><th>Date</th><th>Description</th><th class="num">Amount</th><th>Status</th><th>Documents</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function benefitsList(view: PortalView): string {
  if (view.grants.length === 0) return `<p class="empty">No benefits granted.</p>`;
  return view.grants
    .map((grant) => {
      const benefit = grant.benefit as { description?: string; type?: string };
      const type = benefit.type ?? "";
      let extra = "";
      if (type === "license_keys") {
        const properties = grant.properties as {
          license_key_id?: string | null;
          display_key?: string | null;
        };
        const key = properties.license_key_id ? view.licenseKeys.get(properties.license_key_id) : undefined;
        extra = `<div class="key">Key <code data-test="license-key">${escapeHtml(key ?? "")}</code> <span class="kind">shown as <span data-test="display-key">${escapeHtml(properties.display_key ?? "")}</span></span></div>`;
      }
      return `<div class="benefit" data-test="benefit"><span class="product">${escapeHtml(benefit.description ?? "")}</span><span class="kind">${escapeHtml(BENEFIT_KINDS[type] ?? type)}</span>${extra}</div>`;
    })
    .join("");
}

function metersTable(view: PortalView): string {
  if (view.meters.length === 0) return `<p class="empty">No usage meters.</p>`;
  const rows = view.meters.map(
    (meter) =>
      `<tr data-test="meter"><td>${escapeHtml(meter.meter.name)}</td><td class="num" data-test="consumed">${escapeHtml(formatUnits(meter.consumed_units))}</td><td class="num" data-test="credited">${escapeHtml(formatUnits(meter.credited_units))}</td><td class="num" data-test="balance">${escapeHtml(formatUnits(meter.balance))}</td></tr>`,
  );
  return `<table><thead><tr><th>Meter</th><th class="num">Consumed</th><th class="num">Credited</th><th class="num">Balance</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

export function renderPortalPage(view: PortalView, status = 200): Reply {
  const { subject, partition } = view;
  const organization = partition.organization.name;
  const customer = subject.customer;
  const person = subject.member ?? customer;
  const displayName = person.name ?? customer.name ?? person.email ?? "";
  const initial = (displayName.trim()[0] ?? "?").toUpperCase();
  // An http(s) URL only (the API checks it; a restored snapshot may hold anything).
  const returnLink = /^https?:\/\//i.test(subject.session.return_url ?? "")
    ? `<a class="return" href="${escapeHtml(subject.session.return_url)}" data-test="return">← Return to ${escapeHtml(organization)}</a>`
    : "";
  const alerts = [
    view.notice
      ? `<div class="notice" role="status" data-test="notice">${escapeHtml(view.notice)}</div>`
      : "",
    view.error
      ? `<div class="notice bad" role="alert" data-test="error">${escapeHtml(view.error)}</div>`
      : "",
  ].join("");
  const subscriptions =
    view.subscriptions.length === 0
      ? `<p class="empty">No subscriptions.</p>`
      : view.subscriptions.map((subscription) => subscriptionCard(view, subscription)).join("");
  const body = `<main class="portal">
<header><div class="avatar">${escapeHtml((organization.trim()[0] ?? "?").toUpperCase())}</div><div><div class="title" data-test="organization">${escapeHtml(organization)}</div><div class="sub">Customer portal</div></div><div class="end">${returnLink}<span class="badge">Test mode</span></div></header>
${alerts}
<section class="box" aria-label="Customer"><div class="me"><div class="avatar">${escapeHtml(initial)}</div><div><div class="name" data-test="customer-name">${escapeHtml(displayName)}</div><div class="email" data-test="customer-email">${escapeHtml(person.email)}</div></div></div></section>
<section class="box"><h2>Subscriptions</h2>${subscriptions}</section>
<section class="box"><h2>Orders</h2>${ordersTable(view)}</section>
<section class="box"><h2>Benefits</h2>${benefitsList(view)}</section>
<section class="box"><h2>Usage</h2>${metersTable(view)}</section>
<div class="foot">Polar emulator · test mode · this session expires ${escapeHtml(formatDate(subject.session.expires_at.toISOString()))} ${escapeHtml(subject.session.expires_at.toISOString().slice(11, 16))} UTC</div>
</main>`;
  return htmlPage(status, `${organization} · Customer portal`, body, "", { css: PORTAL_CSS, forms: true });
}
