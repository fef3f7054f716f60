/** Polar's list envelope: `page` ≥ 1, `limit` defaults to 10 and is clamped to 100, never rejected. */

export const MAX_LIMIT = 100;

export interface Page {
  page: number;
  limit: number;
}

export function pageOf(query: Record<string, unknown>): Page {
  const page = typeof query.page === "number" ? query.page : 1;
  const limit = typeof query.limit === "number" ? Math.min(query.limit, MAX_LIMIT) : 10;
  return { page, limit };
}

export function listResource<T>(items: T[], total: number, { limit }: Page) {
  return { items, pagination: { total_count: total, max_page: Math.ceil(total / limit) } };
}
