/** Plain-text tables and small statistics for the report. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function ratio(a: number, b: number): number | null {
  return b === 0 || !Number.isFinite(a) || !Number.isFinite(b) ? null : Math.round((a / b) * 1000) / 1000;
}

export function fmt(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Left-aligns the first column, right-aligns the others. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].map((l) => `  ${l}`).join("\n");
}

export function loud(lines: string[]): string {
  const bar = "!".repeat(78);
  return [bar, ...lines.map((l) => `!!! ${l}`), bar].join("\n");
}

/** Prints the report, closed by the problems (loudly, on stderr too) or by what `ok` says held. */
export function printReport(out: string[], problems: string[], ok: string): void {
  out.push(
    problems.length > 0
      ? loud(["THE BENCHMARK HAD ERRORS: the numbers above are not trustworthy", ...problems])
      : `OK: ${ok}`,
  );
  process.stdout.write(`${out.join("\n")}\n`);
  if (problems.length > 0) console.error(loud(["THE BENCHMARK HAD ERRORS (see above)"]));
}
