/**
 * CSV as Polar writes it (`IterableCSVWriter`: Python's `csv.writer`, dialect `excel`,
 * QUOTE_MINIMAL): fields with a comma, a quote, CR or LF are quoted (quotes doubled), None is an
 * empty field, a row of one empty field is `""`, and every row ends with `\r\n`.
 */

function csvField(value: string | null): string {
  if (value === null) return "";
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One row, with its line end. */
export function csvRow(fields: readonly (string | null)[]): string {
  if (fields.length === 1 && (fields[0] === null || fields[0] === "")) return '""\r\n';
  return `${fields.map(csvField).join(",")}\r\n`;
}
