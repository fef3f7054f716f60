/**
 * The hosted customer portal at a customer session's `customer_portal_url`, as Polar's frontend
 * serves it (`/{organization slug}/portal?customer_session_token=…`, which Polar redirects to
 * `/portal/overview`), authenticated by the session token in the URL (or a form's field):
 *
 *   GET  /{slug}/portal, /{slug}/portal/, /{slug}/portal/overview   the page
 *   POST /{slug}/portal/subscriptions/{id}/cancel                   cancel at period end (→ 303 to the page)
 *   POST /{slug}/portal/subscriptions/{id}/uncancel                 take the cancellation back
 *   GET  /{slug}/portal/orders/{id}/invoice.pdf, …/receipt.pdf      the order's documents
 *   anything else under /{slug}/portal/                             a 404 page
 *
 * Changes go through the portal API's own functions (`billableSubscription`,
 * `applyPortalCancellation`), so their rules, effects and webhooks are the API's.
 */

import { PolarHttpError } from "../errors.js";
import type { Ctx, Partition } from "../resources/context.js";
import { listCustomerMeters } from "../resources/customer-meters/list.js";
import { listGrants } from "../resources/customer-portal/benefits.js";
import {
  serializeCustomerCustomerMeter,
  serializeCustomerGrant,
  serializeCustomerSubscription,
} from "../resources/customer-portal/serialize.js";
import { ownsRow } from "../resources/customer-portal/subject.js";
import {
  applyPortalCancellation,
  billableSubscription,
  type PortalCancellation,
} from "../resources/customer-portal/subscriptions.js";
import { type PortalSubject, resolveCustomerSession } from "../resources/customer-sessions/service.js";
import type { PageRoute, Reply } from "../resources/operation.js";
import { listOrders } from "../resources/orders/list.js";
import { orderPdf } from "../resources/orders/pdf.js";
import { serializeOrder } from "../resources/orders/serialize.js";
import { listSubscriptions } from "../resources/subscriptions/list.js";
import { messagePage } from "./html.js";
import { CANCELLATION_REASONS, type PortalView, renderPortalPage, TOKEN_PARAM } from "./portal.js";

/** How many of each list the page shows (the API's largest page). */
const SHOWN = { page: 1, limit: 100 };

function decoded(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** The organizations with this slug, compared without case (Polar's CITEXT); the emulator's need not be unique. */
function partitionsBySlug(ctx: Ctx, rawSlug: string): Partition[] {
  const slug = decoded(rawSlug)?.toLowerCase();
  if (slug === undefined) return [];
  return [...ctx.store.partitions.values()].filter(
    (partition) => partition.organization.slug.toLowerCase() === slug,
  );
}

const HOW_TO_OPEN =
  "Open the customer portal from your app again: it creates a customer session (POST /v1/customer-sessions/) and redirects to the session's customer_portal_url.";

const unknownOrganization = (): Reply =>
  messagePage(
    404,
    "Portal not found",
    "This customer portal does not exist",
    `No organization of the emulator has this slug. The link is wrong, or the emulator was reset since it was made. ${HOW_TO_OPEN}`,
  );

const notFound = (what: string): Reply =>
  messagePage(
    404,
    "Not found",
    `${what} not found`,
    "There is nothing at this address of the customer portal. Go back to the portal's page from your app.",
  );

/** A session on the portal of the organization it belongs to: its subject, and that organization. */
interface Authenticated {
  partition: Partition;
  subject: PortalSubject;
}

/**
 * The session of a token on the portal of an organization with this slug, or the page that says
 * why not: an unknown slug (404); no token, an unknown one (or another organization's), an
 * expired one, a deleted customer's (401).
 */
function authenticate(ctx: Ctx, rawSlug: string, token: string | null): Authenticated | Reply {
  const partitions = partitionsBySlug(ctx, rawSlug);
  if (partitions.length === 0) return unknownOrganization();
  const refused = (heading: string, text: string): Reply =>
    messagePage(401, "Session not valid", heading, `${text} ${HOW_TO_OPEN}`);
  if (!token)
    return refused(
      "A customer session token is needed",
      "The customer portal is opened with a link that carries a session token (customer_session_token=polar_cst_… or member_session_token=polar_mst_…).",
    );
  const partition = partitions.find((candidate) => candidate.customerSessions.byToken.has(token));
  const session = partition?.customerSessions.byToken.get(token);
  if (!partition || !session)
    return refused(
      "This portal link is not valid",
      "No customer session of this organization has this token (the emulator may have been reset or restarted since).",
    );
  if (ctx.clock.now().getTime() >= session.expires_at.getTime())
    return refused(
      "This portal link has expired",
      `Customer sessions last an hour; this one expired at ${session.expires_at.toISOString()}.`,
    );
  const subject = resolveCustomerSession(ctx, token);
  if (!subject)
    return refused("This portal link is no longer valid", "The session's customer (or member) was deleted.");
  return { partition, subject };
}

/** Where a request's directory is relative to the portal's root: links are relative to the page. */
function rootFrom(path: string): string {
  return /\/portal$/.test(path) ? "portal/" : "./";
}

function canBill(subject: PortalSubject): boolean {
  return (
    subject.member === null || subject.member.role === "owner" || subject.member.role === "billing_manager"
  );
}

function portalView(ctx: Ctx, partition: Partition, subject: PortalSubject, root: string): PortalView {
  const customerIds = [subject.customer.id];
  const organizationIds = [subject.organizationId];
  const billing = canBill(subject);
  const subscriptions = listSubscriptions(ctx, { organizationIds, customerIds }, undefined, SHOWN).items;
  const orders = billing ? listOrders(ctx, { organizationIds, customerIds }, undefined, SHOWN).items : [];
  const grants = listGrants(partition, subject, {}, undefined, SHOWN).items;
  const meters = listCustomerMeters(ctx, { organizationIds, customerIds }, undefined, SHOWN).items;
  const licenseKeys = new Map<string, string>();
  for (const key of partition.licenseKeys.ofCustomer(subject.customer.id))
    if (ownsRow(subject, key)) licenseKeys.set(key.id, key.key);
  return {
    partition,
    subject,
    root,
    subscriptions: subscriptions.map((item) => serializeCustomerSubscription(partition, item)),
    orders: orders.map((item) => serializeOrder(partition, item)),
    grants: grants.map((item) => serializeCustomerGrant(partition, item)),
    meters: meters.map((item) => serializeCustomerCustomerMeter(partition, item)),
    licenseKeys,
    canBill: billing,
  };
}

const NOTICES: Record<string, string> = {
  canceled: "Your subscription will be canceled at the end of the current period.",
  uncanceled: "Your subscription will continue: the cancellation was taken back.",
};

/** The session token of a request: a form's field, else the URL's, under either of Polar's names. */
function tokenOf(...sources: URLSearchParams[]): string | null {
  for (const source of sources)
    for (const name of ["customer_session_token", "member_session_token"]) {
      const value = source.get(name);
      if (value) return value;
    }
  return null;
}

function overviewPage(ctx: Ctx, [slug = "", rest = ""]: string[], query: URLSearchParams): Reply {
  const auth = authenticate(ctx, slug, tokenOf(query));
  if ("status" in auth) return auth;
  const { partition, subject } = auth;
  const view = portalView(ctx, partition, subject, rootFrom(`/portal${rest}`));
  const notice = NOTICES[query.get("notice") ?? ""];
  return renderPortalPage(notice ? { ...view, notice } : view);
}

function subscriptionAction(
  ctx: Ctx,
  [slug = "", rawId = "", action = ""]: string[],
  query: URLSearchParams,
  form: URLSearchParams,
): Reply {
  const auth = authenticate(ctx, slug, tokenOf(form, query));
  if ("status" in auth) return auth;
  const { partition, subject } = auth;
  const id = decoded(rawId) ?? "";
  const reason = form.get("cancellation_reason") || null;
  const known = CANCELLATION_REASONS.find(([value]) => value === reason)?.[0];
  try {
    if (reason !== null && known === undefined)
      return renderPortalPage(
        { ...portalView(ctx, partition, subject, "../../"), error: "Unknown cancellation reason." },
        422,
      );
    const { subscription } = billableSubscription(ctx, subject, id);
    const cancel = action === "cancel";
    const update: PortalCancellation = cancel
      ? { cancel_at_period_end: true, cancellation_reason: known ?? null }
      : { cancel_at_period_end: false };
    applyPortalCancellation(ctx, subscription, update);
  } catch (failure) {
    if (!(failure instanceof PolarHttpError)) throw failure;
    if (failure.status === 404) return notFound("Subscription");
    const body = failure.body as { detail?: unknown };
    const detail = typeof body.detail === "string" ? body.detail : "This change is not possible.";
    return renderPortalPage(
      { ...portalView(ctx, partition, subject, "../../"), error: detail },
      failure.status,
    );
  }
  // Post/redirect/get: back to the page (relative: /{slug}/portal/), with what happened.
  const back = new URLSearchParams({
    [TOKEN_PARAM]: subject.session.token,
    notice: action === "cancel" ? "canceled" : "uncanceled",
  });
  return { status: 303, redirect: `../../?${back.toString()}` };
}

function orderDocument(
  ctx: Ctx,
  [slug = "", rawId = "", kind = ""]: string[],
  query: URLSearchParams,
): Reply {
  const auth = authenticate(ctx, slug, tokenOf(query));
  if ("status" in auth) return auth;
  const { partition, subject } = auth;
  const order = partition.orders.get(decoded(rawId) ?? "");
  if (!order || order.customer_id !== subject.customer.id || !canBill(subject)) return notFound("Order");
  const file = kind === "invoice" ? "invoice" : "receipt";
  if (file === "invoice" ? !order.invoice_generated : order.receipt_number === null)
    return notFound(file === "invoice" ? "Invoice" : "Receipt");
  return {
    status: 200,
    text: orderPdf(partition, order, file),
    contentType: "application/pdf",
    headers: {
      "Content-Disposition": `inline; filename="${file}-${order.id}.pdf"`,
      "Referrer-Policy": "no-referrer",
    },
  };
}

function unknownPortalPath(ctx: Ctx, [slug = ""]: string[]): Reply {
  if (partitionsBySlug(ctx, slug).length === 0) return unknownOrganization();
  return notFound("Page");
}

/** The organization slug: one path segment, never the API's (`v1/`) nor the control plane's (`_emulator/`). */
const SLUG = "(?!v1/|_emulator/)([^/]+)";

export const PORTAL_ROUTES: readonly PageRoute[] = [
  { method: "GET", pattern: new RegExp(`^/${SLUG}/portal(/|/overview)?$`), handle: overviewPage },
  {
    method: "POST",
    pattern: new RegExp(`^/${SLUG}/portal/subscriptions/([^/]+)/(cancel|uncancel)/?$`),
    handle: subscriptionAction,
  },
  {
    method: "GET",
    pattern: new RegExp(`^/${SLUG}/portal/orders/([^/]+)/(invoice|receipt)\\.pdf$`),
    handle: orderDocument,
  },
  { method: "GET", pattern: new RegExp(`^/${SLUG}/portal/.*$`), handle: unknownPortalPath },
  { method: "POST", pattern: new RegExp(`^/${SLUG}/portal(/.*)?$`), handle: unknownPortalPath },
];
