/**
 * A small SVG chart of a benchmark run, drawn from its JSON (docs/bench/latest.json): req/s of
 * each route for each target, grouped by route, and each target's time to ready.
 *   tsx bench/chart.ts [docs/bench/latest.json] > docs/bench/latest.svg
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ChartInput {
  date: string;
  targets: { name: string; readyMs: number | null }[];
  routes: { name: string; reqPerSec: Record<string, number | null> }[];
}

const COLORS = ["#2563eb", "#64748b", "#94a3b8", "#f59e0b", "#10b981"];
const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const thousands = (value: number) => Math.round(value).toLocaleString("en-US");
/** Coordinates to a tenth of a pixel. */
const px = (value: number) => Math.round(value * 10) / 10;

export function renderChart(input: ChartInput): string {
  const width = 860;
  // Room above the tallest bar for its label, under the legend.
  const barsTop = 84;
  const barsHeight = 220;
  const left = 60;
  const groupWidth = (width - left - 20) / input.routes.length;
  const barWidth = Math.min(34, (groupWidth - 24) / input.targets.length);
  const max = Math.max(
    1,
    ...input.routes.flatMap((route) => Object.values(route.reqPerSec).map((v) => v ?? 0)),
  );
  const scale = (value: number) => (value / max) * barsHeight;
  const parts: string[] = [];
  parts.push(
    `<text x="${left}" y="24" font-size="16" font-weight="bold">polar-emulator and its peers: requests per second (10 connections)</text>`,
  );
  parts.push(
    `<text x="${left}" y="44" font-size="12" fill="#475569">${xml(input.date)} · higher is better · one run on a shared 2-core machine</text>`,
  );
  input.targets.forEach((target, index) => {
    const x = left + index * 170;
    parts.push(`<rect x="${x}" y="52" width="10" height="10" fill="${COLORS[index % COLORS.length]}"/>`);
    parts.push(`<text x="${x + 14}" y="61" font-size="11">${xml(target.name)}</text>`);
  });
  const base = barsTop + barsHeight;
  parts.push(`<line x1="${left}" y1="${base}" x2="${width - 10}" y2="${base}" stroke="#334155"/>`);
  input.routes.forEach((route, group) => {
    const groupX = left + group * groupWidth + 12;
    input.targets.forEach((target, index) => {
      const value = route.reqPerSec[target.name] ?? 0;
      const height = scale(value);
      const x = groupX + index * barWidth;
      parts.push(
        `<rect x="${px(x)}" y="${px(base - height)}" width="${px(barWidth - 3)}" height="${px(height)}" fill="${COLORS[index % COLORS.length]}"/>`,
      );
      parts.push(
        `<text x="${px(x + (barWidth - 3) / 2)}" y="${px(base - height - 3)}" font-size="9" text-anchor="middle">${value > 0 ? thousands(value) : "–"}</text>`,
      );
    });
    parts.push(`<text x="${px(groupX)}" y="${base + 16}" font-size="11">${xml(route.name)}</text>`);
  });
  // Time to ready, one bar per target.
  const readyTop = base + 50;
  const readyMax = Math.max(1, ...input.targets.map((target) => target.readyMs ?? 0));
  parts.push(
    `<text x="${left}" y="${readyTop - 10}" font-size="13" font-weight="bold">time to ready (ms, lower is better)</text>`,
  );
  input.targets.forEach((target, index) => {
    const y = readyTop + index * 20;
    const length = ((target.readyMs ?? 0) / readyMax) * (width - left - 260);
    parts.push(`<text x="${left}" y="${y + 11}" font-size="11">${xml(target.name)}</text>`);
    parts.push(
      `<rect x="${left + 170}" y="${y}" width="${px(length)}" height="14" fill="${COLORS[index % COLORS.length]}"/>`,
    );
    parts.push(
      `<text x="${px(left + 175 + length)}" y="${y + 11}" font-size="11">${target.readyMs === null ? "n/a" : thousands(target.readyMs)}</text>`,
    );
  });
  const height = readyTop + input.targets.length * 20 + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join("\n")}\n</svg>\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? "docs/bench/latest.json";
  const summary = JSON.parse(readFileSync(file, "utf8")) as { chart: ChartInput };
  process.stdout.write(renderChart(summary.chart));
}
