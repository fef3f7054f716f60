import { describe, expect, it } from "vitest";
import { type DomainEvent, EventBus } from "../../src/domain/events.js";

function event(index: number): DomainEvent {
  return {
    id: String(index),
    type: "customer.updated",
    organizationId: "o",
    customerId: "c",
    subjectId: "c",
    timestamp: new Date(0),
    data: {},
  };
}

describe("EventBus", () => {
  it("keeps the latest `capacity` events in order, and tells listeners about every one", () => {
    const bus = new EventBus(10);
    const heard: string[] = [];
    bus.subscribe((e) => heard.push(e.id));
    for (let i = 0; i < 37; i++) bus.publish(event(i));
    expect(bus.list().map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => String(27 + i)));
    expect(heard).toHaveLength(37);
  });

  it("filters by organization and customer", () => {
    const bus = new EventBus();
    bus.publish({ ...event(1), organizationId: "a" });
    bus.publish({ ...event(2), organizationId: "b", customerId: "x" });
    expect(bus.list({ organizationId: "b" }).map((e) => e.id)).toEqual(["2"]);
    expect(bus.list({ customerId: "x" }).map((e) => e.id)).toEqual(["2"]);
    bus.clear();
    expect(bus.list()).toEqual([]);
  });
});
