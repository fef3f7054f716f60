import { en, Faker } from "@faker-js/faker";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * The one seeded random source of an emulator. Ids, tokens and fake data all come from it,
 * so the same seed and the same calls give the same bytes.
 */
export class Random {
  readonly faker: Faker;

  constructor(readonly seed: number) {
    this.faker = new Faker({ locale: [en] });
    this.faker.seed(seed);
  }

  /** Continues from another seed (after a restore, so new ids cannot repeat restored ones). */
  reseed(seed: number): void {
    this.faker.seed(seed);
  }

  /** A random UUID version 4, as Polar uses for every object id. */
  uuid(): string {
    return this.faker.string.uuid();
  }

  /** `length` characters from [a-zA-Z0-9], the alphabet of Polar's tokens and secrets. */
  alphanumeric(length: number): string {
    return this.faker.string.fromCharacters(ALPHANUMERIC, length);
  }

  /** `length` random bytes. */
  bytes(length: number): Buffer {
    return Buffer.from(Array.from({ length }, () => this.faker.number.int({ min: 0, max: 255 })));
  }

  /** An organization access token: `polar_oat_` followed by 43 alphanumerics. */
  organizationToken(): string {
    return `polar_oat_${this.alphanumeric(43)}`;
  }
}
