/** Members of customers (Polar's member model), and the webhook events about them. */
import { problem } from "../../domain/decode.js";
import { collection, defineResource } from "../resource.js";
import { memberHandlers } from "./handlers.js";
import { memberRules } from "./rules.js";
import { serializeMember } from "./serialize.js";
import { memberDecoder } from "./snapshot.js";
import { MemberTable } from "./table.js";

export const members = defineResource({
  name: "members",
  scopes: ["members:read", "members:write"],
  tables: () => ({ members: new MemberTable() }),
  handlers: memberHandlers,
  validation: {
    rules: memberRules,
    walked: [
      "customers:members:create",
      "customers:members:create_external",
      "customers:members:update",
      "customers:members:update_external",
    ],
  },
  snapshot: {
    sections: {
      members: collection({
        table: (partition) => partition.members,
        decode: memberDecoder,
        serialize: (_, member) => serializeMember(member),
      }),
    },
    references: (decoded, ids, problems, missing) => {
      // Polar's partial unique indices, among members that are not deleted.
      const seen = new Set<string>();
      const unique = (index: number, field: string, key: string, value: unknown, what: string) => {
        if (seen.has(key))
          problems.push(
            problem(
              ["members", index, field],
              "value_error",
              `Two live members of a customer share ${what}`,
              value,
            ),
          );
        seen.add(key);
      };
      decoded.members.forEach((item, index) => {
        if (!ids("customers").has(item.customer_id))
          missing(["members", index, "customer_id"], "customer", item.customer_id);
        if (item.deleted_at !== null) return;
        unique(
          index,
          "email",
          `email ${item.customer_id} ${item.email.toLowerCase()}`,
          item.email,
          "this email",
        );
        if (item.external_id !== null)
          unique(
            index,
            "external_id",
            `external ${item.customer_id} ${item.external_id}`,
            item.external_id,
            "this external id",
          );
        if (item.role === "owner")
          unique(index, "role", `owner ${item.customer_id}`, item.role, "the owner role");
      });
    },
  },
  events: {
    prefix: "member.",
    subject: (partition, type, id) => {
      const member = partition.members.get(id);
      // member.deleted also takes a deleted member; the others need a live one.
      if (!member || (member.deleted_at !== null && type !== "member.deleted")) return undefined;
      return { customerId: member.customer_id, data: () => serializeMember(member) };
    },
  },
});
