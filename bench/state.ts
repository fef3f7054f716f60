/**
 * Snapshot and restore of a large organization, in-process through the built package
 * (`startEmulator` from dist/): a snapshot of 10,000 customers is larger than the control plane's
 * 10 MiB body limit, so `PUT /_emulator/organizations/{id}/snapshot` cannot take it back over HTTP.
 * Run by bench/run.ts as a child: `tsx bench/state.ts <customers>`; prints one JSON line.
 */
import type { SnapshotDocument } from "../src/index.js";

interface Package {
  startEmulator(options: { customers: number; logLevel: string }): Promise<{
    snapshot(): SnapshotDocument;
    restore(snapshot: SnapshotDocument): unknown;
    close(): Promise<void>;
  }>;
}

const customers = Number(process.argv[2] ?? 10_000);
const { startEmulator } = (await import(new URL("../dist/index.js", import.meta.url).href)) as Package;
const emulator = await startEmulator({ customers, logLevel: "warn" });
const timed = <T>(call: () => T): [T, number] => {
  const started = performance.now();
  const value = call();
  return [value, performance.now() - started];
};
const [snapshot, snapshotMs] = timed(() => emulator.snapshot());
const [json, serializeMs] = timed(() => JSON.stringify(snapshot));
const [, restoreMs] = timed(() => emulator.restore(JSON.parse(json) as SnapshotDocument));
await emulator.close();
process.stdout.write(
  `${JSON.stringify({ customers, snapshotMs, serializeMs, restoreMs, bytes: Buffer.byteLength(json) })}\n`,
);
process.exit(0);
