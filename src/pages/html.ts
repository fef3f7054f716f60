/**
 * What every page the emulator serves shares: escaping, money, and the document around a page
 * (inline CSS, no external asset, a strict Content-Security-Policy).
 */
import type { Reply } from "../resources/operation.js";

/** Text or an attribute value made safe for HTML: every user-controlled string goes through it. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** An amount in the currency's smallest unit (cents, yen), formatted as Polar's page shows it. */
export function formatMoney(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}

const INTERVAL_SHORT: Record<string, string> = { day: "day", week: "wk", month: "mo", year: "yr" };

/** ` / mo`, ` / 3 mo` for a recurring price, nothing for a one-time one. */
export function intervalSuffix(
  interval: string | null | undefined,
  count: number | null | undefined,
): string {
  if (!interval) return "";
  const unit = INTERVAL_SHORT[interval] ?? interval;
  return count && count > 1 ? ` / ${count} ${unit}` : ` / ${unit}`;
}

/** `Every month`, `Every 3 months`: the total's label for a recurring product (Polar's wording). */
export function everyInterval(interval: string, count: number | null | undefined): string {
  return count && count > 1 ? `Every ${count} ${interval}s` : `Every ${interval}`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#111827;background:#f3f4f6}
.wrap{display:grid;grid-template-columns:1fr 1fr;min-height:100vh}
.side{padding:48px 48px 48px 24px;display:flex;justify-content:flex-end}
.side>div{width:100%;max-width:440px}
.info{background:#f9fafb}
.pay{background:#fff;justify-content:flex-start;padding-left:48px;border-left:1px solid #e5e7eb}
@media(max-width:820px){.wrap{grid-template-columns:1fr}.side,.pay{padding:24px;justify-content:center;border:0}}
.org{display:flex;align-items:center;gap:10px;font-size:14px;margin-bottom:32px}
.back{color:#6b7280;text-decoration:none;font-size:18px;margin-right:4px}
.avatar{width:26px;height:26px;border-radius:50%;background:#111827;color:#fff;display:grid;place-items:center;font-size:12px;font-weight:600}
.badge{margin-left:auto;font-size:11px;text-transform:uppercase;letter-spacing:.05em;background:#fef3c7;color:#92400e;border-radius:999px;padding:2px 10px}
.product{font-weight:600}
.desc{color:#6b7280;font-size:13px;margin:4px 0 0}
.hero{font-size:34px;font-weight:600;margin:8px 0 24px}
.hero s{color:#9ca3af;font-size:20px;font-weight:400;margin-left:8px}
.picker{display:flex;flex-direction:column;gap:8px;margin-bottom:24px}
.choice{flex-direction:row;align-items:center;gap:10px;border:1px solid #e5e7eb;border-radius:12px;padding:12px 14px;background:#fff;cursor:pointer}
.choice input{width:auto;margin:0;accent-color:#2563eb}
.choice:has(input:checked){border-color:#2563eb;box-shadow:0 0 0 1px #2563eb}
.choice span:last-child{margin-left:auto;color:#4b5563}
.rows{display:flex;flex-direction:column;gap:8px;border-top:1px solid #e5e7eb;padding-top:16px}
.row{display:flex;justify-content:space-between;gap:24px;color:#6b7280}
.row.total{color:#111827;font-weight:600;border-top:1px solid #e5e7eb;padding-top:10px;margin-top:4px}
.note{font-size:12px;color:#6b7280}
form{display:flex;flex-direction:column;gap:18px}
label{display:flex;flex-direction:column;gap:6px;font-size:14px;font-weight:500}
input,select{font:inherit;border:1px solid #d1d5db;border-radius:10px;padding:10px 12px;background:#fff;color:inherit;width:100%}
input:focus,select:focus{outline:2px solid #93c5fd;border-color:#2563eb}
input:disabled{background:#f3f4f6;color:#6b7280}
.inline{display:flex;gap:8px}
.inline input{flex:1}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.hint{font-size:12px;font-weight:400;color:#6b7280}
.hint code{background:#f3f4f6;border-radius:4px;padding:1px 4px}
.error{font-size:13px;font-weight:400;color:#b91c1c;min-height:0}
.error:empty{display:none}
.alert{border-radius:10px;padding:12px 14px;font-size:14px;background:#fef2f2;color:#991b1b;border:1px solid #fecaca}
.alert:empty{display:none}
button{font:inherit;font-weight:600;border:0;border-radius:10px;padding:12px 16px;cursor:pointer;background:#2563eb;color:#fff}
button:disabled{opacity:.6;cursor:default}
button.light{background:#fff;color:#111827;border:1px solid #d1d5db;font-weight:500}
.applied{display:flex;justify-content:space-between;align-items:center;font-size:14px;background:#f0fdf4;border:1px solid #bbf7d0;border-radius:10px;padding:8px 12px}
.applied button{padding:4px 10px}
.done{text-align:center;display:flex;flex-direction:column;gap:12px;align-items:center;padding:32px 0}
.check{width:56px;height:56px;border-radius:50%;background:#dcfce7;color:#15803d;display:grid;place-items:center;font-size:28px}
.check.muted{background:#f3f4f6;color:#6b7280}
.card{max-width:520px;margin:10vh auto;background:#fff;border-radius:20px;padding:48px;text-align:center;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card h1{font-size:22px;margin:16px 0 8px}
.card p{color:#6b7280;margin:0}
.foot{margin-top:32px;font-size:12px;color:#9ca3af;text-align:center}
[hidden],[data-region]:empty{display:none!important}
`;

/**
 * The document around a page. Scripts and styles are inline only; the page may call its own
 * origin (the client API) and nothing else.
 */
export function htmlPage(
  status: number,
  title: string,
  body: string,
  script = "",
  options: { css?: string; forms?: boolean } = {},
): Reply {
  const text = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${CSS}${options.css ?? ""}</style>
</head>
<body>
${body}
${script ? `<script>${script}</script>` : ""}
</body>
</html>
`;
  return {
    status,
    text,
    contentType: "text/html; charset=utf-8",
    headers: {
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action ${options.forms ? "'self'" : "'none'"}; frame-ancestors *`,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    },
  };
}

/** A centred message page: an expired, paid or unknown checkout, the confirmation. */
export function messagePage(
  status: number,
  title: string,
  heading: string,
  text: string,
  extra = "",
  mark = "!",
): Reply {
  return htmlPage(
    status,
    title,
    `<main class="card"><div class="check${mark === "✓" ? "" : " muted"}" style="margin:0 auto">${escapeHtml(mark)}</div><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(text)}</p>${extra}<div class="foot">Polar emulator · test mode</div></main>`,
  );
}
