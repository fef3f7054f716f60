/** The delivery log's bounds: completed events and deliveries are trimmed, pending events never. */
import { describe, expect, it } from "vitest";
import { DeliveryLog, type DeliveryRecord, type WebhookEventRecord } from "../../src/webhooks/log.js";

function event(log: DeliveryLog, n: number): WebhookEventRecord {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    seq: log.nextSeq(),
    endpointId: "e",
    organizationId: "o",
    domainEventId: `d${n}`,
    type: "customer.updated",
    customerId: null,
    externalCustomerId: null,
    created_at: new Date(0),
    modified_at: null,
    api_version: "2026-04",
    payload: "{}",
    succeeded: null,
    skipped: false,
    last_http_code: null,
    attempts: 0,
  };
}

function delivery(log: DeliveryLog, of: WebhookEventRecord, n: number): DeliveryRecord {
  return {
    id: `d-${n}`,
    seq: log.nextSeq(),
    created_at: new Date(),
    event: of,
    attempt: 1,
    kind: "attempt",
    url: "http://127.0.0.1/",
    requestHeaders: {},
    succeeded: true,
    http_code: 200,
    response: null,
    error: null,
    duration_ms: 1,
  };
}

describe("the delivery log", () => {
  it("keeps every pending event however many, and trims completed ones to its size", () => {
    const log = new DeliveryLog(10);
    const events = Array.from({ length: 100 }, (_, n) => event(log, n));
    for (const item of events) log.addEvent(item);
    expect(log.listEvents()).toHaveLength(100);
    expect(log.event(events[0]?.id as string)).toBe(events[0]);
    for (const item of events) item.succeeded = true;
    // The next trim comes once half a log size more has arrived; then only the latest 10 stay.
    for (let n = 100; n < 160; n++) {
      const item = event(log, n);
      item.succeeded = true;
      log.addEvent(item);
    }
    const kept = log.listEvents();
    expect(kept.length).toBeLessThanOrEqual(15);
    expect(kept.at(-1)?.domainEventId).toBe("d159");
    expect(log.event(events[0]?.id as string)).toBeUndefined();
  });

  it("keeps at most one and a half times its size of deliveries, the latest", () => {
    const log = new DeliveryLog(10);
    const item = event(log, 1);
    log.addEvent(item);
    for (let n = 0; n < 100; n++) log.addDelivery(delivery(log, item, n));
    const kept = log.listDeliveries();
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThanOrEqual(15);
    expect(kept.at(-1)?.id).toBe("d-99");
    expect(log.delivery("d-0")).toBeUndefined();
  });
});
