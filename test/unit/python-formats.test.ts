/** Pins down Python's own readings and writings the emulator copies: `uuid.UUID(text)` and `csv.writer` rows. */
import { describe, expect, it } from "vitest";
import { csvRow } from "../../src/domain/csv.js";
import { pythonUuid } from "../../src/pydantic/uuid.js";

describe("pythonUuid", () => {
  // Expected values: Python 3.11's `str(uuid.UUID(text))`, or ValueError (null).
  it.each([
    ["12345678-1234-5678-1234-567812345678", "12345678-1234-5678-1234-567812345678"],
    ["urn:uuid:12345678-1234-5678-1234-567812345678", "12345678-1234-5678-1234-567812345678"],
    ["{12345678123456781234567812345678}", "12345678-1234-5678-1234-567812345678"],
    ["uuid:urn:12345678123456781234567812345678}}", "12345678-1234-5678-1234-567812345678"],
    ["0x345678123456781234567812345678", "00345678-1234-5678-1234-567812345678"],
    ["+2345678123456781234567812345678", "02345678-1234-5678-1234-567812345678"],
    ["1234_678123456781234567812345678", "01234678-1234-5678-1234-567812345678"],
    [" 234567812345678123456781234567 ", "00234567-8123-4567-8123-456781234567"],
    ["ABCDEF78-1234-5678-1234-567812345678", "abcdef78-1234-5678-1234-567812345678"],
    ["12345678-1234-5678-1234-56781234567g", null],
    ["_2345678123456781234567812345678", null],
    ["-0000000000000000000000000000000", null],
    ["nope", null],
    ["", null],
  ])("reads %j as %j", (input, expected) => {
    expect(pythonUuid(input)).toBe(expected);
  });
});

describe("csvRow", () => {
  // Expected values: Python's `csv.writer(dialect="excel").writerow(row)`.
  it.each([
    [["a"], "a\r\n"],
    [[null], '""\r\n'],
    [[""], '""\r\n'],
    [[null, null], ",\r\n"],
    [["x,y", 'q"r', "l\nm", "s\rt", " sp"], '"x,y","q""r","l\nm","s\rt", sp\r\n'],
  ])("writes %j as %j", (row, expected) => {
    expect(csvRow(row)).toBe(expected);
  });
});
