/**
 * The pages the emulator serves to a browser, outside `/v1` and `/_emulator`, without auth (as
 * Polar's own checkout page at polar.sh/checkout/{client_secret}):
 *
 *   GET /checkout/{client_secret}               the checkout page (or what became of the checkout)
 *   GET /checkout/{client_secret}/confirmation  where a paid checkout without success_url lands
 *   /{organization slug}/portal…                 the customer portal of a session's customer_portal_url
 *                                                (authenticated by its token: portal-routes.ts)
 */

import { publicBase } from "../domain/public-url.js";
import { serializeCheckoutPublic, successUrl } from "../resources/checkouts/serialize.js";
import { expireIfDue } from "../resources/checkouts/service.js";
import type { CheckoutRecord } from "../resources/checkouts/table.js";
import type { Ctx } from "../resources/context.js";
import type { PageRoute, Reply } from "../resources/operation.js";
import { renderCheckoutPage } from "./checkout.js";
import { escapeHtml, messagePage } from "./html.js";
import { PORTAL_ROUTES } from "./portal-routes.js";

function findCheckout(ctx: Ctx, rawSecret: string): CheckoutRecord | undefined {
  let secret: string;
  try {
    secret = decodeURIComponent(rawSecret);
  } catch {
    return undefined;
  }
  for (const partition of ctx.store.partitions.values()) {
    const checkout = partition.checkouts.bySecret.get(secret);
    if (!checkout) continue;
    expireIfDue(ctx, checkout);
    return checkout;
  }
  return undefined;
}

const notFound = (): Reply =>
  messagePage(
    404,
    "Checkout not found",
    "This checkout does not exist",
    "The link is wrong, or the emulator was reset or restarted since the checkout was created. Start a new checkout from your app.",
    "",
    "?",
  );

/** What a checkout that can no longer be paid shows, by its status. */
function statusPage(ctx: Ctx, checkout: CheckoutRecord): Reply {
  const partition = ctx.store.partition(checkout.organization_id);
  const product = partition.products.get(checkout.product_id);
  const organization = partition.organization.name;
  const back = (url: string | null, label: string) =>
    url ? `<p style="margin-top:24px"><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>` : "";
  if (checkout.status === "succeeded") {
    const target = checkout.success_url === null ? null : successUrl("", checkout);
    return messagePage(
      200,
      "Order successful",
      "Your order was successful!",
      product
        ? `Thank you for your purchase of ${product.name} from ${organization.replace(/\.$/, "")}.`
        : "Thank you!",
      back(target, `Continue to ${organization}`),
      "✓",
    );
  }
  if (checkout.status === "confirmed")
    return messagePage(
      200,
      "Processing",
      "We are processing your order",
      "Please wait while we confirm your payment.",
    );
  if (checkout.status === "failed")
    return messagePage(
      200,
      "Payment failed",
      "Your payment failed",
      "The payment could not be processed. Start a new checkout to try again.",
      back(checkout.return_url, `Back to ${organization}`),
    );
  return messagePage(
    410,
    "Checkout expired",
    "This checkout has expired",
    "A checkout session can be paid until its expires_at. Start a new checkout from your app.",
    back(checkout.return_url, `Back to ${organization}`),
  );
}

function checkoutPage(ctx: Ctx, [secret = ""]: string[]): Reply {
  const checkout = findCheckout(ctx, secret);
  if (!checkout) return notFound();
  if (checkout.status !== "open") return statusPage(ctx, checkout);
  const partition = ctx.store.partition(checkout.organization_id);
  const view = serializeCheckoutPublic(partition, checkout, publicBase(ctx));
  // Without the merchant's success URL, the page finds its confirmation relative to itself.
  return renderCheckoutPage(view, checkout.success_url === null ? "" : successUrl("", checkout));
}

function confirmationPage(ctx: Ctx, [secret = ""]: string[]): Reply {
  const checkout = findCheckout(ctx, secret);
  if (!checkout) return notFound();
  // Relative (to /checkout/{secret}/), so it holds behind a proxy with a path too.
  if (checkout.status === "open") return { status: 307, redirect: "." };
  return statusPage(ctx, checkout);
}

export const PAGE_ROUTES: readonly PageRoute[] = [
  { method: "GET", pattern: /^\/checkout\/([^/]+)\/?$/, handle: checkoutPage },
  { method: "GET", pattern: /^\/checkout\/([^/]+)\/confirmation\/?$/, handle: confirmationPage },
  ...PORTAL_ROUTES,
];
