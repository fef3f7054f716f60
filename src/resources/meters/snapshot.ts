/** How a snapshot document holds meters (every field of MeterRecord, checked all the way down). */
import {
  type Decoder,
  date,
  id,
  literal,
  metadata,
  nullable,
  nullableDate,
  nullableString,
  number,
  type Path,
  problem,
  record,
  string,
} from "../../domain/decode.js";
import { isObject } from "../../util/is-object.js";
import type { FilterRecord, MeterRecord } from "./table.js";

const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "like", "not_like"];

/** A meter filter: clauses and nested filters, checked all the way down. */
const filter: Decoder<FilterRecord> = (value, path, problems) => {
  const bad = (at: Path, msg: string, input: unknown): void => {
    problems.push(problem(at, "value_error", msg, input));
  };
  const check = (node: unknown, at: Path, depth: number): void => {
    if (depth > 32) {
      bad(at, "Filters nest at most 32 levels", node);
      return;
    }
    if (!isObject(node)) {
      bad(at, "Input should be a filter or a clause", node);
      return;
    }
    if ("clauses" in node) {
      if (node.conjunction !== "and" && node.conjunction !== "or")
        bad([...at, "conjunction"], "Input should be 'and' or 'or'", node.conjunction);
      if (!Array.isArray(node.clauses)) {
        bad([...at, "clauses"], "Input should be a valid list", node.clauses);
        return;
      }
      node.clauses.forEach((clause, index) => {
        check(clause, [...at, "clauses", index], depth + 1);
      });
      return;
    }
    if (typeof node.property !== "string")
      bad([...at, "property"], "Input should be a valid string", node.property);
    if (typeof node.operator !== "string" || !OPERATORS.includes(node.operator))
      bad([...at, "operator"], `Input should be one of ${OPERATORS.join(", ")}`, node.operator);
    if (!["string", "number", "boolean"].includes(typeof node.value))
      bad([...at, "value"], "Input should be a string, number or boolean", node.value);
  };
  check(value, path, 0);
  if (isObject(value) && !("clauses" in value))
    bad(path, "Input should be a filter (conjunction and clauses)", value);
  return structuredClone(value) as FilterRecord;
};

const aggregation: Decoder<MeterRecord["aggregation"]> = (value, path, problems) => {
  const func = isObject(value) ? value.func : undefined;
  if (func === "count") return { func: "count" };
  if (func === "sum" || func === "max" || func === "min" || func === "avg" || func === "unique") {
    const property = string(isObject(value) ? value.property : undefined, [...path, "property"], problems);
    return { func, property };
  }
  problems.push(
    problem(
      [...path, "func"],
      "enum",
      "Input should be 'count', 'sum', 'max', 'min', 'avg' or 'unique'",
      func,
    ),
  );
  return { func: "count" };
};

export const meterDecoder = record<MeterRecord>({
  id,
  organization_id: id,
  created_at: date,
  modified_at: nullableDate,
  name: string,
  unit: literal(["scalar", "token", "custom"]),
  custom_label: nullableString,
  custom_multiplier: nullable(number),
  filter,
  aggregation,
  metadata,
  archived_at: nullableDate,
});

declare module "../context.js" {
  interface DecodedSections {
    meters: MeterRecord[];
  }
}
