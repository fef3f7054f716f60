import { hash } from "node:crypto";

/**
 * A UUID version 4 derived from a text (its SHA-256): the same text gives the same id. For ids an
 * object gets as a side effect of another change (event types, system events), drawn without
 * moving the seeded random sequence, so every other id of the emulator stays what it was.
 */
export function derivedUuid(text: string): string {
  // One-shot `hash` (same digest as createHash().update().digest(), about twice as fast).
  const hex = hash("sha256", text, "hex");
  // The id is arranged in a buffer and read back as one flat string, as fast as joining slices
  // of the digest, which made a tree of about a dozen strings (~400 bytes) for each of the many
  // system events: `hex[0..8]-hex[8..12]-4hex[13..16]-{variant}hex[17..20]-hex[20..32]`.
  const buffer = ID_BUFFER;
  buffer.write(hex, 0, 32, "latin1");
  buffer.copyWithin(24, 20, 32);
  buffer.copyWithin(20, 17, 20);
  buffer[19] = HEX[(Number.parseInt(hex[16], 16) & 0x3) | 0x8];
  buffer.copyWithin(15, 13, 16);
  buffer[14] = HEX[4];
  buffer.copyWithin(9, 8, 12);
  buffer[8] = DASH;
  buffer[13] = DASH;
  buffer[18] = DASH;
  buffer[23] = DASH;
  return buffer.toString("latin1", 0, 36);
}

const HEX = Array.from("0123456789abcdef", (char) => char.charCodeAt(0));
const DASH = "-".charCodeAt(0);
const ID_BUFFER = Buffer.alloc(36);
