/** Meters: an event filter and an aggregation. */

import { collection, defineResource } from "../resource.js";
import { meterFixture } from "./fixture.js";
import { meterHandlers } from "./handlers.js";
import { meterRules, quantitiesQueryRules } from "./rules.js";
import { serializeMeter } from "./serialize.js";
import { meterDecoder } from "./snapshot.js";
import { MeterTable } from "./table.js";

export const meters = defineResource({
  name: "meters",
  scopes: ["meters:read", "meters:write"],
  tables: () => ({ meters: new MeterTable() }),
  handlers: meterHandlers,
  validation: {
    rules: meterRules,
    walked: ["meters:create", "meters:update"],
    queryRules: { "meters:quantities": quantitiesQueryRules },
  },
  fixture: meterFixture,
  snapshot: {
    sections: {
      meters: collection({
        table: (partition) => partition.meters,
        decode: meterDecoder,
        serialize: (_, meter) => serializeMeter(meter),
      }),
    },
  },
});
