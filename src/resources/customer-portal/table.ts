/**
 * What the portal keeps of its own: the email changes a customer asked for and has yet to
 * verify (models/customer_email_verification.py), and the payments a customer retried on its
 * past-due orders (payment/ `Payment` with trigger `retry_customer`). Polar keeps a hash of the
 * verification token; the emulator keeps the token, so a test can read it (it sends no email).
 */
import { Table } from "../../store/table.js";

export interface EmailVerificationRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  /** The new email, as the customer wrote it. */
  email: string;
  /** `polar_cev_…` */
  token: string;
  expires_at: Date;
  created_at: Date;
}

export class EmailVerificationTable extends Table<EmailVerificationRecord> {}

/** Polar's `PaymentStatus`. */
export type PaymentStatus = "pending" | "succeeded" | "failed";

export interface RetryPaymentRecord {
  id: string;
  organization_id: string;
  order_id: string;
  status: PaymentStatus;
  decline_message: string | null;
  created_at: Date;
}

export class RetryPaymentTable extends Table<RetryPaymentRecord> {
  /** The order's retries, oldest first. */
  ofOrder(orderId: string): RetryPaymentRecord[] {
    return [...this.values()].filter((payment) => payment.order_id === orderId);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    emailVerifications: EmailVerificationTable;
    retryPayments: RetryPaymentTable;
  }
}
