/**
 * JSON text parsed the way pydantic-core parses it for `model_validate_json` (its `jiter` parser):
 * `NaN`, `Infinity` and `-Infinity` are numbers, a repeated key keeps its last value, nesting
 * stops past 201 levels, and a failure is worded as jiter words it, with the line and the column
 * (in UTF-8 bytes, from 1) where it stopped: `expected value at line 1 column 1`.
 */

export type JsonParse =
  | {
      ok: true;
      value: unknown;
      /**
       * Integral numbers that were written as floats (`1.0`, `1e20`): JavaScript cannot tell them
       * from integers, pydantic can (an int refuses a float past 2^63, a bool refuses any float).
       */
      integralFloats: ReadonlySet<number>;
    }
  | { ok: false; error: string };

/** Containers deeper than this are refused ("recursion limit exceeded"). */
const MAX_DEPTH = 201;

class JiterError extends Error {
  constructor(
    readonly reason: string,
    /** The index (UTF-16) of the character where parsing stopped, or the end of the text. */
    readonly index: number | "end",
  ) {
    super(reason);
  }
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const HEX = /^[0-9a-fA-F]$/;

/** UTF-8 length of one UTF-16 code unit (a surrogate pair counts 2 + 2). */
function utf8Units(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code >= 0xd800 && code <= 0xdfff) return 2;
  return 3;
}

/**
 * jiter's position: the line, and the column in UTF-8 bytes from the line's start, counted from 1
 * for a character and from 0 for the end of the text.
 */
function position(text: string, index: number | "end"): string {
  const stop = index === "end" ? text.length : index;
  let line = 1;
  let column = 0;
  for (let at = 0; at < stop; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x0a) {
      line += 1;
      column = 0;
    } else {
      column += utf8Units(code);
    }
  }
  if (index === "end") return `line ${line} column ${column}`;
  // A newline where parsing stopped starts the next line.
  if (text.charCodeAt(index) === 0x0a) return `line ${line + 1} column 0`;
  return `line ${line} column ${column + 1}`;
}

class Parser {
  private index = 0;
  readonly integralFloats = new Set<number>();

  constructor(private readonly text: string) {}

  private eof(what: string): never {
    throw new JiterError(`EOF while parsing ${what}`, "end");
  }

  private fail(reason: string, index = this.index): never {
    throw new JiterError(reason, index);
  }

  private skipWhitespace(): void {
    while (this.index < this.text.length && WHITESPACE.has(this.text[this.index])) this.index += 1;
  }

  private atEnd(): boolean {
    return this.index >= this.text.length;
  }

  document(): unknown {
    this.skipWhitespace();
    if (this.atEnd()) this.eof("a value");
    const value = this.value(0);
    this.skipWhitespace();
    if (!this.atEnd()) this.fail("trailing characters");
    return value;
  }

  private value(depth: number): unknown {
    const char = this.text[this.index];
    switch (char) {
      case "{":
        return this.object(depth + 1);
      case "[":
        return this.array(depth + 1);
      case '"':
        return this.string();
      case "t":
        return this.ident("true", true);
      case "f":
        return this.ident("false", false);
      case "n":
        return this.ident("null", null);
      case "N":
        return this.ident("NaN", Number.NaN);
      case "I":
        return this.ident("Infinity", Number.POSITIVE_INFINITY);
      default:
        if (char === "-" || (char >= "0" && char <= "9")) return this.number();
        return this.fail("expected value");
    }
  }

  private ident<T>(word: string, value: T): T {
    for (let offset = 0; offset < word.length; offset++) {
      const at = this.index + offset;
      if (at >= this.text.length) this.eof("a value");
      if (this.text[at] !== word[offset]) this.fail("expected ident", at);
    }
    this.index += word.length;
    return value;
  }

  private digits(): number {
    const start = this.index;
    while (!this.atEnd() && this.text[this.index] >= "0" && this.text[this.index] <= "9") this.index += 1;
    return this.index - start;
  }

  private number(): number {
    const start = this.index;
    if (this.text[this.index] === "-") {
      this.index += 1;
      if (this.atEnd()) this.eof("a value");
      if (this.text[this.index] === "I") {
        this.ident("Infinity", 0);
        return Number.NEGATIVE_INFINITY;
      }
    }
    const first = this.text[this.index];
    if (first === "0") {
      this.index += 1;
      const next = this.text[this.index];
      if (next !== undefined && next >= "0" && next <= "9") this.fail("invalid number");
    } else if (first >= "1" && first <= "9") {
      this.digits();
    } else {
      this.fail("invalid number");
    }
    if (this.text[this.index] === ".") {
      this.index += 1;
      if (this.atEnd()) this.eof("a value");
      if (this.digits() === 0) this.fail("invalid number");
    }
    const exponent = this.text[this.index];
    if (exponent === "e" || exponent === "E") {
      this.index += 1;
      if (this.atEnd()) this.eof("a value");
      if (this.text[this.index] === "+" || this.text[this.index] === "-") {
        this.index += 1;
        if (this.atEnd()) this.eof("a value");
      }
      if (this.digits() === 0) this.fail("invalid number");
    }
    const literal = this.text.slice(start, this.index);
    const value = Number(literal);
    if (/[.eE]/.test(literal) && Number.isInteger(value)) this.integralFloats.add(value);
    return value;
  }

  private hexEscape(): number {
    // `\u` and four characters: fewer left is the end of the string.
    if (this.index + 4 > this.text.length) this.eof("a string");
    for (let offset = 0; offset < 4; offset++) {
      if (!HEX.test(this.text[this.index + offset])) this.fail("invalid escape", this.index + offset);
    }
    const code = Number.parseInt(this.text.slice(this.index, this.index + 4), 16);
    this.index += 4;
    return code;
  }

  private string(): string {
    this.index += 1;
    let result = "";
    for (;;) {
      if (this.atEnd()) this.eof("a string");
      const char = this.text[this.index];
      const code = char.charCodeAt(0);
      if (char === '"') {
        this.index += 1;
        return result;
      }
      if (code < 0x20) this.fail("control character (\\u0000-\\u001F) found while parsing a string");
      if (char !== "\\") {
        result += char;
        this.index += 1;
        continue;
      }
      this.index += 1;
      if (this.atEnd()) this.eof("a string");
      const escaped = this.text[this.index];
      this.index += 1;
      switch (escaped) {
        case '"':
        case "\\":
        case "/":
          result += escaped;
          break;
        case "b":
          result += "\b";
          break;
        case "f":
          result += "\f";
          break;
        case "n":
          result += "\n";
          break;
        case "r":
          result += "\r";
          break;
        case "t":
          result += "\t";
          break;
        case "u":
          result += this.unicodeEscape();
          break;
        default:
          this.fail("invalid escape", this.index - 1);
      }
    }
  }

  private unicodeEscape(): string {
    const code = this.hexEscape();
    if (code >= 0xdc00 && code <= 0xdfff) this.fail("lone leading surrogate in hex escape", this.index - 1);
    if (code < 0xd800 || code > 0xdbff) return String.fromCharCode(code);
    if (this.atEnd()) this.eof("a string");
    if (this.text[this.index] !== "\\") this.fail("unexpected end of hex escape");
    if (this.index + 1 >= this.text.length) this.eof("a string");
    if (this.text[this.index + 1] !== "u") this.fail("unexpected end of hex escape", this.index + 1);
    this.index += 2;
    const low = this.hexEscape();
    if (low < 0xdc00 || low > 0xdfff) this.fail("lone leading surrogate in hex escape", this.index - 1);
    return String.fromCharCode(code, low);
  }

  private array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail("recursion limit exceeded");
    this.index += 1;
    const items: unknown[] = [];
    this.skipWhitespace();
    if (this.atEnd()) this.eof("a list");
    if (this.text[this.index] === "]") {
      this.index += 1;
      return items;
    }
    for (;;) {
      items.push(this.value(depth));
      this.skipWhitespace();
      if (this.atEnd()) this.eof("a list");
      const char = this.text[this.index];
      if (char === "]") {
        this.index += 1;
        return items;
      }
      if (char !== ",") this.fail("expected `,` or `]`");
      this.index += 1;
      this.skipWhitespace();
      if (this.atEnd()) this.eof("a value");
      if (this.text[this.index] === "]") this.fail("trailing comma");
    }
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail("recursion limit exceeded");
    this.index += 1;
    const result: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.atEnd()) this.eof("an object");
    if (this.text[this.index] === "}") {
      this.index += 1;
      return result;
    }
    for (;;) {
      if (this.text[this.index] !== '"') this.fail("key must be a string");
      const key = this.string();
      this.skipWhitespace();
      if (this.atEnd()) this.eof("an object");
      if (this.text[this.index] !== ":") this.fail("expected `:`");
      this.index += 1;
      this.skipWhitespace();
      if (this.atEnd()) this.eof("a value");
      const value = this.value(depth);
      // A repeated key keeps its first place and its last value, as a Python dict does.
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      if (this.atEnd()) this.eof("an object");
      const char = this.text[this.index];
      if (char === "}") {
        this.index += 1;
        return result;
      }
      if (char !== ",") this.fail("expected `,` or `}`");
      this.index += 1;
      this.skipWhitespace();
      if (this.atEnd()) this.eof("a value");
      if (this.text[this.index] === "}") this.fail("trailing comma");
    }
  }
}

/** Parses JSON text as pydantic-core does; a failure comes with jiter's message and position. */
export function parseJsonLikePydantic(text: string): JsonParse {
  const parser = new Parser(text);
  try {
    const value = parser.document();
    return { ok: true, value, integralFloats: parser.integralFloats };
  } catch (error) {
    if (!(error instanceof JiterError)) throw error;
    return { ok: false, error: `${error.reason} at ${position(text, error.index)}` };
  }
}
