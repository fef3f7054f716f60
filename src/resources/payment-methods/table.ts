/**
 * Customers' saved payment methods (models/payment_method.py): cards saved through the customer
 * portal from Stripe test tokens, and the setup intents that wait for the customer's action.
 */
import type { Schemas } from "../../domain/wire.js";
import { CustomerRowsTable, Table } from "../../store/table.js";

export type CardMetadata = Schemas["PaymentMethodCardMetadata"];

export interface PaymentMethodRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  /** Stripe's id of the method (`pm_…`). */
  processor_id: string;
  method_metadata: CardMetadata;
  created_at: Date;
  modified_at: Date | null;
  deleted_at: Date | null;
}

/** A setup intent that required action (3-D Secure): what confirming it saves. */
export interface SetupIntentRecord {
  /** `seti_…` */
  id: string;
  organization_id: string;
  customer_id: string;
  method_metadata: CardMetadata;
  created_at: Date;
}

export class PaymentMethodTable extends CustomerRowsTable<PaymentMethodRecord> {
  /** The customer's methods that are not deleted, oldest first. */
  liveOf(customerId: string): PaymentMethodRecord[] {
    return this.ofCustomer(customerId).filter((method) => method.deleted_at === null);
  }
}

export class SetupIntentTable extends Table<SetupIntentRecord> {}

declare module "../context.js" {
  interface PartitionTables {
    paymentMethods: PaymentMethodTable;
    setupIntents: SetupIntentTable;
  }
}
