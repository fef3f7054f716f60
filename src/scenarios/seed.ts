/**
 * Seeding: the default organization, its token and its customers, all from the seeded random
 * source. Customers are created through the domain, so they obey the same rules as the API.
 */
import type { Faker } from "@faker-js/faker";
import type { DomainContext } from "../domain/context.js";
import { createCustomer } from "../domain/customers.js";
import type { CustomerCreateBody } from "../domain/wire.js";
import { PolarHttpError } from "../errors.js";
import { ALL_SCOPES } from "../http/auth.js";
import type { Organization } from "../store/store.js";
import { FixedClock } from "../util/clock.js";
import { type Fixture, FixtureError } from "./fixture.js";

/** Seeded customers are dated in the year before this instant, so the same seed gives the same bytes. */
export const SEED_REFERENCE_TIME = new Date("2026-01-01T00:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;

export interface SeedOptions {
  fixture: Fixture;
  fixtureName: string;
  /** Overrides `generate.customers` of the fixture. */
  customers?: number;
  organizationId?: string;
  token?: string;
}

export interface Seeded {
  organization: Organization;
  token: string;
}

const COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "NL", "CA", "SE", "ES", "AU"];
const PLANS = ["free", "free", "pro", "pro", "team"];
const SOURCES = ["website", "referral", "newsletter", "product_hunt", "github"];
const LOCALES = ["en", "en-US", "de", "fr", "nl", null, null];

function fakeCustomer(
  faker: Faker,
  index: number,
  team: boolean,
  withExternalId: boolean,
): CustomerCreateBody {
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  const name = team ? faker.company.name() : `${firstName} ${lastName}`;
  const local = faker.internet
    .username({ firstName, lastName })
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, "");
  const email = `${local}.${index}@${faker.internet.domainName()}`;
  const country = faker.helpers.arrayElement(COUNTRIES);
  const metadata: Record<string, string | number | boolean> = {
    plan: team ? "team" : faker.helpers.arrayElement(PLANS),
    signup_source: faker.helpers.arrayElement(SOURCES),
  };
  if (team) metadata.seats = faker.number.int({ min: 3, max: 50 });
  if (faker.datatype.boolean(0.2)) metadata.beta = true;
  const billingAddress = faker.datatype.boolean(0.7)
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
    tax_id: billingAddress?.country === "US" && faker.datatype.boolean(0.15) ? faker.string.numeric(9) : null,
    locale: faker.helpers.arrayElement(LOCALES),
  };
  return team ? { ...common, type: "team", email } : { ...common, type: "individual", email };
}

/** Fills a fresh store: the default organization, its all-scopes token, then the customers. */
export function seed(ctx: DomainContext, options: SeedOptions): Seeded {
  const { random, store } = ctx;
  const organization: Organization = {
    id: options.organizationId ?? random.uuid(),
    name: options.fixture.organization?.name ?? "Acme Inc.",
    slug: options.fixture.organization?.slug ?? "acme",
    created_at: new Date(SEED_REFERENCE_TIME.getTime() - 400 * DAY),
  };
  store.addOrganization(organization);
  const token = options.token ?? random.organizationToken();
  store.addToken({ token, organizationId: organization.id, scopes: new Set(ALL_SCOPES), comment: "default" });

  const faker = random.faker;
  const explicit = options.fixture.customers ?? [];
  const generate = options.fixture.generate ?? {};
  const count = options.customers ?? generate.customers ?? 0;
  const teams = Math.min(generate.teams ?? 0, count);
  const share = generate.external_id_share ?? 0.5;
  const generated = Array.from({ length: count }, (_, index) =>
    fakeCustomer(faker, index, index < teams, faker.datatype.boolean(share)),
  );

  // Explicit customers are the oldest, in file order; generated ones follow in date order.
  const span = 365 * DAY;
  const explicitStart = SEED_REFERENCE_TIME.getTime() - span - explicit.length * DAY;
  const dates = generated
    .map(() =>
      faker.date.between({ from: SEED_REFERENCE_TIME.getTime() - span, to: SEED_REFERENCE_TIME }).getTime(),
    )
    .sort((a, b) => a - b);

  const realClock = ctx.clock;
  const clock = new FixedClock(SEED_REFERENCE_TIME);
  ctx.clock = clock;
  try {
    explicit.forEach((body, index) => {
      clock.set(new Date(explicitStart + index * DAY));
      createSeedCustomer(ctx, organization.id, body, `${options.fixtureName}: /customers/${index}`);
    });
    generated.forEach((body, index) => {
      clock.set(new Date(dates[index]));
      createSeedCustomer(ctx, organization.id, body, `generated customer ${index}`);
    });
  } finally {
    ctx.clock = realClock;
  }
  ctx.events.clear();
  return { organization, token };
}

function createSeedCustomer(
  ctx: DomainContext,
  organizationId: string,
  body: CustomerCreateBody,
  where: string,
): void {
  try {
    createCustomer(ctx, organizationId, body);
  } catch (error) {
    if (error instanceof PolarHttpError) {
      throw new FixtureError(`[polar-emulator] ${where}: ${JSON.stringify(error.body)}`);
    }
    throw error;
  }
}
