/** Building blocks for the resources' tables: rows by id, and rows grouped by a key. */

/** Rows by id, in insertion order. A table with indices keeps them in `indexed`. */
export class Table<T extends { id: string }> extends Map<string, T> {
  insert(row: T): T {
    this.set(row.id, row);
    this.indexed(row);
    return row;
  }

  /** Called for each inserted row: subclasses keep their indices here. */
  protected indexed(_row: T): void {}
}

/** Values grouped by a key, each group in insertion order. */
export class Groups<T> {
  private readonly groups = new Map<string, T[]>();

  add(key: string, value: T): void {
    const group = this.groups.get(key);
    if (group) group.push(value);
    else this.groups.set(key, [value]);
  }

  of(key: string): readonly T[] {
    return this.groups.get(key) ?? [];
  }

  set(key: string, values: T[]): void {
    this.groups.set(key, values);
  }

  entries(): IterableIterator<[string, T[]]> {
    return this.groups.entries();
  }
}

/** Rows by id, and each customer's rows in insertion order. */
export class CustomerRowsTable<T extends { id: string; customer_id: string }> extends Table<T> {
  private readonly byCustomer = new Groups<T>();

  ofCustomer(customerId: string): readonly T[] {
    return this.byCustomer.of(customerId);
  }

  protected override indexed(row: T): void {
    this.byCustomer.add(row.customer_id, row);
  }
}
