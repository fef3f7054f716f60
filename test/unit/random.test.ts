/** The seeded random source draws exactly what faker's own methods draw from the same seed. */
import { en, Faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { Random } from "../../src/util/random.js";

function pair(seed: number): { random: Random; faker: Faker } {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  return { random: new Random(seed), faker };
}

describe("Random", () => {
  it("draws faker's sequence, method for method", () => {
    for (const seed of [0, 1, 1337, 2 ** 31 - 1]) {
      const { random, faker } = pair(seed);
      for (let round = 0; round < 200; round++) {
        expect(random.uuid()).toBe(faker.string.uuid());
        expect(random.int(1, 27)).toBe(faker.number.int({ min: 1, max: 27 }));
        expect(random.int(1_700_000_000_000, 1_760_000_000_000)).toBe(
          faker.number.int({ min: 1_700_000_000_000, max: 1_760_000_000_000 }),
        );
        expect(random.boolean(0.3)).toBe(faker.datatype.boolean(0.3));
        expect(random.pick(["a", "b", "c", "d", "e"])).toBe(
          faker.helpers.arrayElement(["a", "b", "c", "d", "e"]),
        );
        expect(random.alphanumeric(12)).toBe(
          faker.string.fromCharacters("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 12),
        );
        // faker and the fast methods share one sequence.
        expect(random.faker.person.lastName()).toBe(faker.person.lastName());
      }
      const items = Array.from({ length: 50 }, (_, index) => index);
      expect(random.shuffleInPlace([...items])).toEqual(faker.helpers.shuffle([...items]));
      expect([...random.bytes(16)]).toEqual(
        Array.from({ length: 16 }, () => faker.number.int({ min: 0, max: 255 })),
      );
    }
  });

  it("restarts the sequence on reseed", () => {
    const random = new Random(5);
    random.reseed(9);
    const { faker } = pair(9);
    expect(random.uuid()).toBe(faker.string.uuid());
  });
});
