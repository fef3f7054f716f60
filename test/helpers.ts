import supertest from "supertest";
import { type RunningEmulator, startEmulator } from "../src/index.js";

/** A running emulator plus a supertest agent on its real port, for one test file. */
export async function startTestEmulator(options: Parameters<typeof startEmulator>[0] = {}) {
  const emulator: RunningEmulator = await startEmulator(options);
  const http = supertest(emulator.url);
  const auth = (token = emulator.token) => ({ Authorization: `Bearer ${token}` });
  return { emulator, http, auth };
}

/** A fresh, empty organization: counts and uniqueness in it are exact. */
export function tenant(emulator: RunningEmulator, scopes?: string[]) {
  const created = emulator.createOrganization(scopes ? { scopes } : {});
  return { ...created, headers: { Authorization: `Bearer ${created.token}` } };
}
