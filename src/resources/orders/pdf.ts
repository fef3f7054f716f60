/**
 * The emulator's invoice and receipt: a one-page PDF (ASCII only, so it travels as text) with the
 * order's number, customer, billing details, items and totals. Polar renders a designed
 * document to S3 and answers a presigned URL; the emulator serves this one from its own URL.
 */
import type { Partition } from "../context.js";
import { totalAmount } from "./serialize.js";
import type { OrderRecord } from "./table.js";

/** Text a PDF string can hold: ASCII, with `\`, `(` and `)` escaped. */
function pdfText(text: string): string {
  const ascii = text.replace(/[\u2013\u2014]/g, "-").replace(/[^\x20-\x7e]/g, "?");
  return ascii.replace(/[\\()]/g, (char) => `\\${char}`);
}

function money(cents: number, currency: string): string {
  const sign = cents < 0 ? "-" : "";
  const value = Math.abs(cents);
  return `${sign}${Math.floor(value / 100)}.${String(value % 100).padStart(2, "0")} ${currency.toUpperCase()}`;
}

/** A minimal PDF 1.4 document: one page, Helvetica, the lines from the top. */
function pdfDocument(lines: readonly string[]): string {
  const body = lines
    .map(
      (line, index) =>
        `BT /F1 ${index === 0 ? 18 : 11} Tf 56 ${780 - index * 18} Td (${pdfText(line)}) Tj ET`,
    )
    .join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${body.length} >>\nstream\n${body}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return pdf;
}

/** The invoice (`kind: "invoice"`) or receipt of an order, as a PDF. */
export function orderPdf(partition: Partition, order: OrderRecord, kind: "invoice" | "receipt"): string {
  const customer = partition.customers.get(order.customer_id);
  const address = order.billing_address;
  const number = kind === "invoice" ? order.invoice_number : order.receipt_number;
  const lines = [
    `${kind === "invoice" ? "Invoice" : "Receipt"} ${number ?? ""}`,
    `${partition.organization.name}`,
    `Date: ${order.created_at.toISOString().slice(0, 10)}`,
    `Bill to: ${order.billing_name ?? customer?.name ?? ""} <${customer?.email ?? ""}>`,
    address
      ? [address.line1, address.line2, address.postal_code, address.city, address.state, address.country]
          .filter((part) => part !== null)
          .join(", ")
      : "",
    "",
    ...order.items.map((item) => `${item.label}   ${money(item.amount, order.currency)}`),
    "",
    `Subtotal: ${money(order.subtotal_amount, order.currency)}`,
    `Discount: ${money(-order.discount_amount, order.currency)}`,
    `Tax: ${money(order.tax_amount, order.currency)}`,
    `Total: ${money(totalAmount(order), order.currency)}`,
    ...(order.refunded_amount > 0 ? [`Refunded: ${money(order.refunded_amount, order.currency)}`] : []),
    "",
    "polar-emulator: not a real document.",
  ];
  return pdfDocument(lines);
}
