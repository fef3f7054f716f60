/** startEmulator's own options: what test suites pass in process. */
import { describe, expect, it } from "vitest";
import { FixedClock, startEmulator } from "../src/index.js";

describe("startEmulator", () => {
  it("writes every timestamp from the clock it is given", async () => {
    const clock = new FixedClock(new Date("2026-01-01T00:00:00Z"));
    const emulator = await startEmulator({ clock });
    try {
      const create = () =>
        fetch(`${emulator.url}/v1/customers/`, {
          method: "POST",
          headers: { Authorization: `Bearer ${emulator.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ email: `clock-${Math.random()}@example.com` }),
        }).then((response) => response.json() as Promise<{ created_at: string }>);
      expect((await create()).created_at).toBe("2026-01-01T00:00:00Z");
      clock.set(new Date("2026-02-03T04:05:06.789Z"));
      expect((await create()).created_at).toBe("2026-02-03T04:05:06.789000Z");
    } finally {
      await emulator.close();
    }
  });
});
