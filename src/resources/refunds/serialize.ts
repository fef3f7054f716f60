/** The public Refund object (refund/schemas.py `Refund`), key for key in the spec's order. */
import type { Schemas } from "../../domain/wire.js";
import { iso, isoOrNull } from "../../util/time.js";
import type { RefundRecord } from "./table.js";

export type RefundWire = Schemas["Refund"];

export function serializeRefund(refund: RefundRecord): RefundWire {
  return {
    created_at: iso(refund.created_at),
    modified_at: isoOrNull(refund.modified_at),
    id: refund.id,
    metadata: { ...refund.metadata },
    status: refund.status,
    reason: refund.reason,
    amount: refund.amount,
    tax_amount: refund.tax_amount,
    currency: refund.currency,
    organization_id: refund.organization_id,
    order_id: refund.order_id,
    subscription_id: refund.subscription_id,
    customer_id: refund.customer_id,
    revoke_benefits: refund.revoke_benefits,
    // Disputes come from card networks: the emulator has none.
    dispute: null,
  };
}
