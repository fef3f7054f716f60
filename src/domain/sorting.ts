/**
 * Sorting like Polar's `apply_sorting` on Postgres: criteria in order, `-field` descending,
 * ascending puts nulls last and descending puts them first; ties broken by id.
 */
export type SortValue = string | number | null;

export function sortRecords<T extends { id: string }>(
  items: T[],
  criteria: readonly string[],
  sortValue: (item: T, field: string) => SortValue,
): T[] {
  const parsed = criteria.map((criterion) => ({
    descending: criterion.startsWith("-"),
    field: criterion.startsWith("-") ? criterion.slice(1) : criterion,
  }));
  return items.sort((a, b) => {
    for (const { descending, field } of parsed) {
      const x = sortValue(a, field);
      const y = sortValue(b, field);
      if (x === y) continue;
      if (x === null) return descending ? -1 : 1;
      if (y === null) return descending ? 1 : -1;
      const order = x < y ? -1 : 1;
      return descending ? -order : order;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** One page of an already filtered and sorted list. */
export function pageSlice<T>(items: T[], page: number, limit: number): { items: T[]; total: number } {
  const start = (page - 1) * limit;
  return { items: items.slice(start, start + limit), total: items.length };
}
