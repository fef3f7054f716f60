/** Customer meters (a customer's units on a meter) as each organization holds them. */
import { CustomerRowsTable } from "../../store/table.js";

export interface CustomerMeterRecord {
  id: string;
  organization_id: string;
  customer_id: string;
  meter_id: string;
  created_at: Date;
  modified_at: Date | null;
  consumed_units: number;
  credited_units: number;
  /**
   * Usage events count from this position of the organization's events (`partition.usage.events`)
   * on: a reset (a new billing period, a meter-credit benefit without rollover) moves it to the end.
   */
  consumed_since: number;
}

export class CustomerMeterTable extends CustomerRowsTable<CustomerMeterRecord> {
  private readonly byKey = new Map<string, CustomerMeterRecord>();

  /** The customer's meter for a meter, if it has one. */
  find(customerId: string, meterId: string): CustomerMeterRecord | undefined {
    return this.byKey.get(`${customerId}:${meterId}`);
  }

  protected override indexed(customerMeter: CustomerMeterRecord): void {
    super.indexed(customerMeter);
    this.byKey.set(`${customerMeter.customer_id}:${customerMeter.meter_id}`, customerMeter);
  }
}

declare module "../context.js" {
  interface PartitionTables {
    customerMeters: CustomerMeterTable;
  }
}
