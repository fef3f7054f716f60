/** How a snapshot document holds pending email changes and the customers' payment retries. */
import { date, id, literal, nullableString, record, string } from "../../domain/decode.js";
import type { EmailVerificationRecord, RetryPaymentRecord } from "./table.js";

export const emailVerificationDecoder = record<EmailVerificationRecord>({
  id,
  organization_id: id,
  customer_id: id,
  email: string,
  token: string,
  expires_at: date,
  created_at: date,
});

export const retryPaymentDecoder = record<RetryPaymentRecord>({
  id,
  organization_id: id,
  order_id: id,
  status: literal(["pending", "succeeded", "failed"]),
  decline_message: nullableString,
  created_at: date,
});

declare module "../context.js" {
  interface DecodedSections {
    email_verifications: EmailVerificationRecord[];
    retry_payments: RetryPaymentRecord[];
  }
}
