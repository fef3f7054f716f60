/** Benefits of every type, and the webhook events about them. */

import { collection, defineResource } from "../resource.js";
import { benefitFixture } from "./fixture.js";
import { benefitHandlers } from "./handlers.js";
import { benefitRules } from "./rules.js";
import { serializeBenefit } from "./serialize.js";
import { benefitDecoder } from "./snapshot.js";
import { BenefitTable } from "./table.js";

export const benefits = defineResource({
  name: "benefits",
  scopes: ["benefits:read", "benefits:write"],
  tables: () => ({ benefits: new BenefitTable() }),
  handlers: benefitHandlers,
  validation: { rules: benefitRules, walked: ["benefits:create", "benefits:update"] },
  fixture: benefitFixture,
  snapshot: {
    sections: {
      benefits: collection({
        table: (partition) => partition.benefits,
        decode: benefitDecoder,
        serialize: (_, benefit) => serializeBenefit(benefit),
      }),
    },
    references: (decoded, ids, _problems, missing) => {
      decoded.benefits.forEach((item, index) => {
        if (item.type !== "meter_credit") return;
        const meterId: unknown = item.properties.meter_id;
        if (typeof meterId !== "string" || !ids("meters").has(meterId))
          missing(["benefits", index, "properties", "meter_id"], "meter", String(meterId));
      });
    },
  },
  events: {
    prefix: "benefit.",
    subject: (partition, _type, id) => {
      const benefit = partition.benefits.live(id);
      return benefit && { customerId: null, data: () => serializeBenefit(benefit) };
    },
  },
});
