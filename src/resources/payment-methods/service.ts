/**
 * Saving and removing a customer's cards (customer_portal/service/customer.py
 * `add_payment_method`, `confirm_payment_method`, `_save_payment_method`; payment_method/
 * service.py `delete`). The emulator is its own Stripe in test mode: a confirmation token names a
 * test card the way Stripe's test tokens do, a declined card is Polar's 400, a card that needs
 * authentication answers `requires_action` until its setup intent is confirmed.
 */
import { PolarHttpError, PolarRequestValidationError, ResourceNotFound } from "../../errors.js";
import type { Ctx } from "../context.js";
import type { CustomerRecord } from "../customers/table.js";
import type { CardMetadata, PaymentMethodRecord } from "./table.js";

/** Polar's `PaymentMethodSetupFailed`. */
class PaymentMethodSetupFailed extends PolarHttpError {
  constructor(message: string) {
    super(400, {
      error: "PaymentMethodSetupFailed",
      detail: `Could not add this payment method: ${message} Please try again with a different card.`,
    });
  }
}

interface TestCard {
  card?: CardMetadata;
  declined?: string;
  requiresAction?: boolean;
}

function card(brand: string, last4: string): CardMetadata {
  return { brand, last4, exp_month: 12, exp_year: 2034, wallet: null };
}

/** Stripe's test tokens and payment methods (`tok_…`, `pm_card_…`), by the card they stand for. */
const TEST_CARDS: Record<string, TestCard> = {
  visa: { card: card("visa", "4242") },
  visa_debit: { card: card("visa", "5556") },
  mastercard: { card: card("mastercard", "4444") },
  amex: { card: card("amex", "8431") },
  discover: { card: card("discover", "1117") },
  chargeDeclined: { declined: "Your card was declined." },
  chargeDeclinedInsufficientFunds: { declined: "Your card has insufficient funds." },
  chargeDeclinedExpiredCard: { declined: "Your card has expired." },
  chargeDeclinedIncorrectCvc: { declined: "Your card's security code is incorrect." },
  authenticationRequired: { card: card("visa", "3184"), requiresAction: true },
  threeDSecure2Required: { card: card("visa", "3220"), requiresAction: true },
};

/** The test card a confirmation token names; any other token (a Stripe.js `ctoken_…`) is a Visa. */
function testCard(token: string): TestCard {
  const name = token.replace(/^(tok_|pm_card_)/, "");
  return TEST_CARDS[name] ?? TEST_CARDS[name.replace(/_/g, "")] ?? { card: card("visa", "4242") };
}

function invalidSetupIntent(input: string): PolarRequestValidationError {
  return new PolarRequestValidationError([
    { type: "invalid", loc: ["body", "setup_intent_id"], msg: "Invalid setup_intent_id.", input },
  ]);
}

export type SaveResult =
  | { status: "succeeded"; method: PaymentMethodRecord }
  | { status: "requires_action"; clientSecret: string };

function save(
  ctx: Ctx,
  customer: CustomerRecord,
  metadata: CardMetadata,
  setDefault: boolean,
): PaymentMethodRecord {
  const partition = ctx.store.partition(customer.organization_id);
  const now = ctx.clock.now();
  const method: PaymentMethodRecord = {
    id: ctx.random.uuid(),
    organization_id: customer.organization_id,
    customer_id: customer.id,
    processor_id: `pm_${ctx.random.alphanumeric(24)}`,
    method_metadata: { ...metadata },
    created_at: now,
    modified_at: null,
    deleted_at: null,
  };
  partition.paymentMethods.insert(method);
  if (setDefault) customer.default_payment_method_id = method.id;
  return method;
}

export function addPaymentMethod(
  ctx: Ctx,
  customer: CustomerRecord,
  body: { confirmation_token_id: string; set_default: boolean },
): SaveResult {
  const test = testCard(body.confirmation_token_id);
  if (test.declined) throw new PaymentMethodSetupFailed(test.declined);
  const metadata = test.card ?? card("visa", "4242");
  if (test.requiresAction) {
    const intent = {
      id: `seti_${ctx.random.alphanumeric(24)}`,
      organization_id: customer.organization_id,
      customer_id: customer.id,
      method_metadata: metadata,
      created_at: ctx.clock.now(),
    };
    ctx.store.partition(customer.organization_id).setupIntents.insert(intent);
    return { status: "requires_action", clientSecret: `${intent.id}_secret_${ctx.random.alphanumeric(24)}` };
  }
  return { status: "succeeded", method: save(ctx, customer, metadata, body.set_default) };
}

/** The customer completed the action: the setup intent succeeds, once. */
export function confirmPaymentMethod(
  ctx: Ctx,
  customer: CustomerRecord,
  body: { setup_intent_id: string; set_default: boolean },
): SaveResult {
  const partition = ctx.store.partition(customer.organization_id);
  const intent = partition.setupIntents.get(body.setup_intent_id);
  if (!intent || intent.customer_id !== customer.id) throw invalidSetupIntent(body.setup_intent_id);
  partition.setupIntents.delete(intent.id);
  return { status: "succeeded", method: save(ctx, customer, intent.method_metadata, body.set_default) };
}

/** One of the customer's live methods, or 404. */
export function getPaymentMethod(ctx: Ctx, customer: CustomerRecord, id: string): PaymentMethodRecord {
  const method = ctx.store.partition(customer.organization_id).paymentMethods.get(id);
  if (!method || method.customer_id !== customer.id || method.deleted_at !== null)
    throw new ResourceNotFound();
  return method;
}

/**
 * Removes a method (softly). The emulator's subscriptions are paid by no saved method, so none
 * needs it (Polar's `PaymentMethodInUseByActiveSubscription` never arises); a default method
 * stops being the default. Neither change sends a webhook.
 */
export function deletePaymentMethod(ctx: Ctx, customer: CustomerRecord, method: PaymentMethodRecord): void {
  const now = ctx.clock.now();
  method.deleted_at = now;
  method.modified_at = now;
  if (customer.default_payment_method_id === method.id) customer.default_payment_method_id = null;
}
