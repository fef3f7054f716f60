/** The checkout errors of Polar's checkout/service.py, with their statuses and messages. */
import { PolarHttpError } from "../../errors.js";
import type { CheckoutRecord } from "./table.js";

/** 410: the session is past its `expires_at`. */
export class ExpiredCheckoutError extends PolarHttpError {
  constructor() {
    super(410, { error: "ExpiredCheckoutError", detail: "This checkout session has expired." });
  }
}

/** 403: the session was confirmed, succeeded or expired. */
export class NotOpenCheckout extends PolarHttpError {
  constructor(checkout: CheckoutRecord) {
    super(403, {
      error: "NotOpenCheckout",
      detail: `Checkout ${checkout.id} is not open: ${checkout.status}`,
    });
  }
}

/** 400: the processor refused the payment (a declined test card). */
export class PaymentError extends PolarHttpError {
  constructor(error: string | null) {
    super(400, {
      error: "PaymentError",
      detail: `The payment failed${error ? `: ${error}` : "."} Please try again with a different payment method.`,
    });
  }
}

/** 403: the buyer already redeemed the discount as often as it allows per customer. */
export class DiscountRedemptionLimitReached extends PolarHttpError {
  constructor() {
    super(403, {
      error: "DiscountRedemptionLimitReached",
      detail: "You have already redeemed this discount the maximum number of times allowed per customer.",
    });
  }
}

/** 409: the checkout's customer was deleted since. */
export class CheckoutCustomerDeleted extends PolarHttpError {
  constructor() {
    super(409, {
      error: "CheckoutCustomerDeleted",
      detail: "The customer associated with this checkout has been deleted.",
    });
  }
}

/** 422: the email names no customer but the external id names one (with another email). */
export class CheckoutCustomerExternalIdMismatch extends PolarHttpError {
  constructor() {
    super(422, {
      error: "CheckoutCustomerExternalIdMismatch",
      detail: "A customer with this external ID already exists but with a different email address.",
    });
  }
}

/** 403: the organization allows one subscription per customer, and the buyer has one. */
export class AlreadyActiveSubscriptionError extends PolarHttpError {
  constructor() {
    super(403, {
      error: "AlreadyActiveSubscriptionError",
      detail: "You already have an active subscription.",
    });
  }
}
