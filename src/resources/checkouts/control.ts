/** The control plane's checkout verb: complete a checkout session without a browser. */

import { publicBase } from "../../domain/public-url.js";
import { ResourceNotFound } from "../../errors.js";
import type { Ctx } from "../context.js";
import { recording } from "../control.js";
import type { Handlers } from "../operation.js";
import { completeCheckout, type Outcome } from "./complete.js";
import { serializeCheckout } from "./serialize.js";
import type { CheckoutRecord } from "./table.js";

export type CheckoutControl = "emulator:checkouts:complete";

/** A checkout of any organization by id, or 404. */
export function checkoutById(ctx: Ctx, id: string): CheckoutRecord {
  for (const partition of ctx.store.partitions.values()) {
    const checkout = partition.checkouts.get(id);
    if (checkout) return checkout;
  }
  throw new ResourceNotFound();
}

/**
 * Completes a checkout (what `POST /_emulator/checkouts/{id}/complete` and the in-process
 * `emulator.checkouts.complete()` do): the checkout as the API shows it and the events emitted.
 */
export function completeById(
  ctx: Ctx,
  id: string,
  input: { outcome?: Outcome; customer_email?: string; customer_name?: string } = {},
) {
  const checkout = checkoutById(ctx, id);
  const { events } = recording(ctx, () => completeCheckout(ctx, checkout, input));
  const partition = ctx.store.partition(checkout.organization_id);
  return { checkout: serializeCheckout(partition, checkout, publicBase(ctx)), events };
}

export const checkoutControl = (): Handlers<CheckoutControl> => ({
  "emulator:checkouts:complete": ({ ctx, params, body }) => ({
    status: 200,
    json: completeById(ctx, params.id, body ?? {}),
  }),
});
