/**
 * `node --import polar-emulator/register app.js` (or `NODE_OPTIONS="--import polar-emulator/register"`)
 * with `POLAR_EMULATOR_URL=http://127.0.0.1:8000`: every request the app makes to Polar's API
 * (`api.polar.sh`, `sandbox-api.polar.sh`) goes to the emulator instead (src/intercept.ts).
 */
import { interceptPolar } from "./intercept.js";

const url = process.env.POLAR_EMULATOR_URL;
if (url === undefined || url === "") {
  throw new Error(
    "[polar-emulator] polar-emulator/register needs POLAR_EMULATOR_URL (the emulator's base URL, e.g. http://127.0.0.1:8000)",
  );
}
interceptPolar(url);
