import { hash } from "node:crypto";

/**
 * A UUID version 4 derived from a text (its SHA-256): the same text gives the same id. For ids an
 * object gets as a side effect of another change (event types, system events), drawn without
 * moving the seeded random sequence, so every other id of the emulator stays what it was.
 */
export function derivedUuid(text: string): string {
  // One-shot `hash` (same digest as createHash().update().digest(), about twice as fast).
  const hex = hash("sha256", text, "hex");
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
