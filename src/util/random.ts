import type { Faker, FakerCore, FakerOptions, Randomizer } from "@faker-js/faker";
// The English locale only: the package's main entry loads every locale (about 0.13 s at startup).
import { faker as englishFaker } from "@faker-js/faker/locale/en";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const HEX_CODES = Array.from("0123456789abcdef", (char) => char.charCodeAt(0));
const UUID_TEMPLATE = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
/** Where the 30 `x` and the `y` of the template are. */
const UUID_X = Array.from(UUID_TEMPLATE, (char, index) => (char === "x" ? index : -1)).filter((i) => i >= 0);
const UUID_Y = UUID_TEMPLATE.indexOf("y");
/** One buffer for every uuid() (the dashes and the `4` stay; the rest is overwritten each time). */
const UUID_BUFFER = Buffer.from(UUID_TEMPLATE, "latin1");

/** faker's class, as the English module's instance was made by it. */
const FakerClass = englishFaker.constructor as new (options: FakerOptions) => Faker;

/**
 * The one seeded random source of an emulator. Ids, tokens and fake data all come from it,
 * so the same seed and the same calls give the same bytes.
 *
 * `faker` and the methods here draw from one sequence (faker is given this randomizer). The
 * methods draw exactly what faker's own would (`uuid()` is `faker.string.uuid()`, `int()` is
 * `faker.number.int()`, …), without faker's argument handling, which was most of the cost of
 * seeding many customers.
 */
export class Random {
  readonly faker: Faker;
  /** faker's own Mersenne Twister (53-bit floats), the one its methods draw from. */
  private readonly randomizer: Randomizer;

  constructor(readonly seed: number) {
    // The English definitions (faker merges `base` in; every definition used is English's own).
    this.faker = new FakerClass({ locale: englishFaker.rawDefinitions });
    this.faker.seed(seed);
    // faker 10 keeps its randomizer in `fakerCore` (typed as FakerCore, not declared on Faker).
    const core = (this.faker as Faker & { readonly fakerCore?: FakerCore }).fakerCore;
    if (!core) throw new Error("[polar-emulator] @faker-js/faker without fakerCore: faker 10 is required");
    this.randomizer = core.randomizer;
  }

  /** Continues from another seed (after a restore, so new ids cannot repeat restored ones). */
  reseed(seed: number): void {
    this.randomizer.seed(seed);
  }

  /** A float in [0, 1): one draw. */
  next(): number {
    return this.randomizer.next();
  }

  /** `faker.number.int({ min, max })` for whole `min` ≤ `max`. */
  int(min: number, max: number): number {
    if (min === max) return min;
    return Math.floor(this.randomizer.next() * (max - min + 1) + min);
  }

  /** `faker.datatype.boolean(probability)`. */
  boolean(probability = 0.5): boolean {
    if (probability <= 0) return false;
    if (probability >= 1) return true;
    return this.randomizer.next() < probability;
  }

  /** `faker.helpers.arrayElement(items)` (no draw for one item). */
  pick<T>(items: readonly T[] | string): T | string {
    if (items.length === 0) throw new Error("[polar-emulator] nothing to pick from");
    return items[items.length > 1 ? Math.floor(this.randomizer.next() * items.length) : 0];
  }

  /** `faker.helpers.shuffle(items, { inplace: true })`. */
  shuffleInPlace<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; --index) {
      const other = Math.floor(this.randomizer.next() * (index + 1));
      const item = items[index];
      items[index] = items[other];
      items[other] = item;
    }
    return items;
  }

  /** `faker.string.fromCharacters(characters, length)`. */
  fromCharacters(characters: string, length: number): string {
    let text = "";
    for (let index = 0; index < length; index++) text += this.pick(characters);
    return text;
  }

  /** A random UUID version 4, as Polar uses for every object id: `faker.string.uuid()`. */
  uuid(): string {
    // faker fills the 30 `x` of `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` first, then the `y`; the
    // characters go into a reused buffer (about a third faster than joining strings).
    const buffer = UUID_BUFFER;
    for (let index = 0; index < 30; index++)
      buffer[UUID_X[index]] = HEX_CODES[Math.floor(this.randomizer.next() * 16)];
    buffer[UUID_Y] = HEX_CODES[Math.floor(this.randomizer.next() * 4 + 8)];
    return buffer.toString("latin1", 0, 36);
  }

  /** `length` characters from [a-zA-Z0-9], the alphabet of Polar's tokens and secrets. */
  alphanumeric(length: number): string {
    return this.fromCharacters(ALPHANUMERIC, length);
  }

  /** `length` random bytes. */
  bytes(length: number): Buffer {
    const bytes = Buffer.alloc(length);
    for (let index = 0; index < length; index++) bytes[index] = this.int(0, 255);
    return bytes;
  }

  /** An organization access token: `polar_oat_` followed by 43 alphanumerics. */
  organizationToken(): string {
    return `polar_oat_${this.alphanumeric(43)}`;
  }
}
