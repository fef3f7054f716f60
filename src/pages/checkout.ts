/**
 * The hosted checkout page (`/checkout/{client_secret}`), drawn from the checkout as the client
 * API returns it (CheckoutPublic), laid out like Polar's: the organization, the product and its
 * price, a product picker, the breakdown on the left; email, name, billing country, the test card,
 * the discount code and the button on the right. The inline script (checkout-script.ts) talks to
 * the client API with relative URLs, so the page works behind any host name or port mapping.
 */
import type { CheckoutPublicWire } from "../resources/checkouts/serialize.js";
import { CHECKOUT_SCRIPT } from "./checkout-script.js";
import { COUNTRIES, countryName } from "./countries.js";
import { escapeHtml as e, everyInterval, formatMoney, htmlPage, intervalSuffix } from "./html.js";

type Product = CheckoutPublicWire["products"][number];
type Price = Product["prices"][number];

/** What the picker shows for a product: its first price, as Polar's product switcher does. */
function priceLabel(price: Price | undefined, product: Product): string {
  if (!price) return "";
  const suffix = intervalSuffix(product.recurring_interval, product.recurring_interval_count);
  if (price.amount_type === "custom") return "Pay what you want";
  if (price.amount_type === "fixed")
    return price.price_amount === 0
      ? "Free"
      : `${formatMoney(price.price_amount, price.price_currency)}${suffix}`;
  if (price.amount_type === "metered_unit") return "Usage-based";
  return "";
}

function row(title: string, value: string, total = false): string {
  return `<div class="row${total ? " total" : ""}"><span>${e(title)}</span><span>${e(value)}</span></div>`;
}

function trialLabel(interval: string, count: number): string {
  return `${count} ${interval}${count === 1 ? "" : "s"} free trial`;
}

/** The button's label, Polar's: a trial, a subscription, a one-time payment, or nothing to pay. */
export function ctaLabel(view: CheckoutPublicWire): string {
  if (view.active_trial_interval) return "Start trial";
  if (view.is_payment_form_required) return view.product?.recurring_interval ? "Subscribe now" : "Pay now";
  return "Get for free";
}

/** The left column's swappable part: product, price, picker, breakdown. */
function summary(view: CheckoutPublicWire): string {
  const product = view.product;
  const interval = product?.recurring_interval ?? null;
  const count = product?.recurring_interval_count ?? null;
  const suffix = intervalSuffix(interval, count);
  const money = (amount: number) => formatMoney(amount, view.currency);
  const parts: string[] = [];
  if (product) {
    parts.push(`<div class="product" data-test="product-name">${e(product.name)}</div>`);
    if (product.description) parts.push(`<p class="desc">${e(product.description)}</p>`);
  }
  const hero = view.is_free_product_price
    ? "Free"
    : `${e(money(view.net_amount))}${e(suffix)}${view.discount ? `<s>${e(money(view.amount))}</s>` : ""}`;
  parts.push(`<div class="hero" data-test="price">${hero}</div>`);
  if (view.products.length > 1) {
    const choices = view.products.map(
      (item) =>
        `<label class="choice"><input type="radio" name="product_id" value="${e(item.id)}"${item.id === view.product_id ? " checked" : ""}><span>${e(item.name)}</span><span>${e(priceLabel(item.prices[0], item))}</span></label>`,
    );
    parts.push(`<div class="picker" role="radiogroup" aria-label="Product">${choices.join("")}</div>`);
  }
  if (!view.is_free_product_price) {
    const rows = [row("Subtotal", `${money(view.amount)}${suffix}`)];
    if (view.discount) {
      const percent = "basis_points" in view.discount ? ` (${view.discount.basis_points / 100}%)` : "";
      rows.push(row(`${view.discount.name}${percent}`, money(-view.discount_amount)));
      rows.push(row("Taxable amount", money(view.net_amount)));
    }
    rows.push(row("Taxes", view.tax_amount === null ? "—" : money(view.tax_amount)));
    rows.push(
      row(interval ? everyInterval(interval, count) : "Total", `${money(view.total_amount)}${suffix}`, true),
    );
    if (view.active_trial_interval && view.active_trial_interval_count)
      rows.push(row(trialLabel(view.active_trial_interval, view.active_trial_interval_count), "Free", true));
    if (view.trial_end)
      rows.push(
        `<div class="note">Trial ends ${e(new Date(view.trial_end).toLocaleDateString("en-US", { dateStyle: "medium", timeZone: "UTC" }))}</div>`,
      );
    parts.push(`<div class="rows" data-test="breakdown">${rows.join("")}</div>`);
  }
  return parts.join("\n");
}

/** The discount code field (or the applied discount), when the checkout allows codes. */
function discountField(view: CheckoutPublicWire): string {
  if (view.discount) {
    const removable = view.allow_discount_codes && view.discount.code !== null;
    return `<div class="applied" data-test="discount-applied"><span>${e(view.discount.code ?? view.discount.name)} applied</span>${removable ? '<button type="button" class="light" id="discount-remove">Remove</button>' : ""}</div>`;
  }
  if (!view.allow_discount_codes || !view.is_discount_applicable) return "";
  return `<label>Discount code<div class="inline"><input id="discount-code" autocomplete="off" placeholder="Enter a code"><button type="button" class="light" id="discount-apply">Apply</button></div><span class="error" data-error="discount_code"></span></label>`;
}

/** The amount field of a pay-what-you-want price. */
function amountField(view: CheckoutPublicWire): string {
  if (view.product_price?.amount_type !== "custom") return "";
  const value = (view.amount / 100).toFixed(2);
  return `<label>Name a fair price (${e(view.currency.toUpperCase())})<input id="amount" inputmode="decimal" value="${e(value)}"><span class="error" data-error="amount"></span></label>`;
}

function countrySelect(selected: string | null): string {
  const sorted = [...COUNTRIES].sort((a, b) => countryName(a).localeCompare(countryName(b), "en"));
  const options = sorted.map(
    (code) =>
      `<option value="${code}"${code === selected ? " selected" : ""}>${e(countryName(code))}</option>`,
  );
  return `<select id="country" autocomplete="country"><option value="">Choose a country</option>${options.join("")}</select>`;
}

function addressFields(view: CheckoutPublicWire): string {
  const address = view.customer_billing_address;
  const input = (id: string, label: string, value: string | null | undefined, auto: string, group = "") =>
    `<label${group}>${label}<input id="${id}" autocomplete="${auto}" value="${e(value ?? "")}"><span class="error" data-error="customer_billing_address.${id}"></span></label>`;
  const state = address?.state?.replace(/^(US|CA)-/, "") ?? "";
  return `<label>Billing country${countrySelect(address?.country ?? null)}<span class="error" data-error="customer_billing_address.country"></span><span class="error" data-error="customer_billing_address"></span></label>
<div data-address="lines" style="display:flex;flex-direction:column;gap:18px">${input("line1", "Address", address?.line1, "address-line1")}
<div class="grid2">${input("postal_code", "Postal code", address?.postal_code, "postal-code")}${input("city", "City", address?.city, "address-level2")}</div></div>
${input("state", "State / province", state, "address-level1", ' data-address="state"')}`;
}

/**
 * The whole page of an open checkout. `redirect` is where a paid checkout sends the buyer: the
 * merchant's success URL, or empty for the emulator's confirmation page.
 */
export function renderCheckoutPage(view: CheckoutPublicWire, redirect: string) {
  const org = view.organization;
  const payment = view.is_payment_form_required;
  const recurring = Boolean(view.product?.recurring_interval);
  const body = `<div class="wrap" id="page" data-secret="${e(view.client_secret)}" data-redirect="${e(redirect)}" data-require-address="${view.require_billing_address || view.is_business_customer ? "1" : ""}">
<section class="side info"><div>
  <div class="org">${view.return_url ? `<a class="back" href="${e(view.return_url)}" aria-label="Back">←</a>` : ""}<span class="avatar">${e(org.name.trim().charAt(0).toUpperCase() || "P")}</span><span data-test="organization">${e(org.name)}</span><span class="badge">Test mode</span></div>
  <div id="summary" data-region>${summary(view)}</div>
</div></section>
<section class="side pay"><div>
  <form id="checkout-form" novalidate data-payment="${payment ? "1" : ""}" data-recurring="${recurring ? "1" : ""}">
    <label>Email<input id="email" type="email" autocomplete="email" value="${e(view.customer_email ?? "")}"${view.customer_id ? " disabled" : ""}><span class="error" data-error="customer_email"></span></label>
    <label>Cardholder name<input id="name" autocomplete="name" value="${e(view.customer_name ?? "")}"><span class="error" data-error="customer_name"></span></label>
    <div id="amount-region" data-region>${amountField(view)}</div>
    <div data-payment-only${payment ? "" : " hidden"} style="display:flex;flex-direction:column;gap:18px">
      ${addressFields(view)}
      <label>Card number<input id="card" inputmode="numeric" autocomplete="off" placeholder="4242 4242 4242 4242"><span class="hint">Test card: <code>4242 4242 4242 4242</code> succeeds, <code>4000 0000 0000 0002</code> is declined.</span><span class="error" data-error="confirmation_token_id"></span></label>
    </div>
    <div id="discount" data-region>${discountField(view)}</div>
    <div class="alert" id="form-error" role="alert"></div>
    <button type="submit" id="pay">${e(ctaLabel(view))}</button>
    <p class="note" style="text-align:center;margin:0">Polar emulator · no real payment is made</p>
  </form>
  <div class="done" id="done" hidden><div class="check">✓</div><h2 style="margin:0">Payment successful</h2><p class="note" id="done-text">Redirecting…</p></div>
</div></section>
</div>`;
  const title = view.product ? `${view.product.name} · ${org.name}` : `Checkout · ${org.name}`;
  return htmlPage(200, title, body, CHECKOUT_SCRIPT);
}
