/** How a snapshot document holds saved payment methods and pending setup intents. */
import { date, id, integer, nullable, nullableDate, record, string } from "../../domain/decode.js";
import type { CardMetadata, PaymentMethodRecord, SetupIntentRecord } from "./table.js";

const cardMetadata = record<CardMetadata>({
  brand: string,
  last4: string,
  exp_month: integer,
  exp_year: integer,
  wallet: nullable(string),
});

export const paymentMethodDecoder = record<PaymentMethodRecord>({
  id,
  organization_id: id,
  customer_id: id,
  processor_id: string,
  method_metadata: cardMetadata,
  created_at: date,
  modified_at: nullableDate,
  deleted_at: nullableDate,
});

export const setupIntentDecoder = record<SetupIntentRecord>({
  id: string,
  organization_id: id,
  customer_id: id,
  method_metadata: cardMetadata,
  created_at: date,
});

declare module "../context.js" {
  interface DecodedSections {
    payment_methods: PaymentMethodRecord[];
    setup_intents: SetupIntentRecord[];
  }
}
