/**
 * Faker-made customers for `generate:` in a fixture, all from the emulator's seeded random
 * source: the same seed gives the same names, emails, addresses and dates.
 */
import type { CustomerCreateBody } from "../resources/customers/service.js";
import type { Random } from "../util/random.js";

const COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "NL", "CA", "SE", "ES", "AU"];
const PLANS = ["free", "free", "pro", "pro", "team"];
const SOURCES = ["website", "referral", "newsletter", "product_hunt", "github"];
const LOCALES = ["en", "en-US", "de", "fr", "nl", null, null];

export function fakeCustomer(
  random: Random,
  index: number,
  team: boolean,
  withExternalId: boolean,
): CustomerCreateBody {
  // Names and places from faker; picks and numbers from the same sequence, drawn as faker draws them.
  const faker = random.faker;
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const name = team ? faker.company.name() : `${firstName} ${lastName}`;
  const local = faker.internet
    .username({ firstName, lastName })
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, "");
  const email = `${local}.${index}@${faker.internet.domainName()}`;
  const country = random.pick(COUNTRIES);
  const metadata: Record<string, string | number | boolean> = {
    plan: team ? "team" : random.pick(PLANS),
    signup_source: random.pick(SOURCES),
  };
  if (team) metadata.seats = random.int(3, 50);
  if (random.boolean(0.2)) metadata.beta = true;
  const billingAddress = random.boolean(0.7)
    ? {
        line1: faker.location.streetAddress(),
        city: faker.location.city(),
        postal_code: faker.location.zipCode(),
        state: country === "US" ? faker.location.state({ abbreviated: true }) : null,
        country: country as "US",
      }
    : null;
  const common = {
    name,
    external_id: withExternalId ? `user_${faker.string.alphanumeric({ length: 12, casing: "lower" })}` : null,
    metadata,
    billing_address: billingAddress,
    tax_id: billingAddress?.country === "US" && random.boolean(0.15) ? faker.string.numeric(9) : null,
    locale: random.pick(LOCALES),
  };
  return team ? { ...common, type: "team", email } : { ...common, type: "individual", email };
}

/**
 * Which generated customers get which subscription: exact counts (`round(share × customers)`),
 * disjoint, spread over the customers by a seeded shuffle. Entry index per customer, or -1.
 */
export function assignShares(random: Random, customers: number, shares: number[]): number[] {
  const assignment = new Array<number>(customers).fill(-1);
  const order = random.shuffleInPlace(Array.from({ length: customers }, (_, index) => index));
  let next = 0;
  shares.forEach((share, entry) => {
    const count = Math.min(Math.round(share * customers), customers - next);
    for (let i = 0; i < count; i++) assignment[order[next++]] = entry;
  });
  return assignment;
}
