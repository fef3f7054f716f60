/**
 * `npm start`: the compiled emulator (dist/launch.js, which runs the CLI bundled by the build with a code cache) in this very process, built first when dist/
 * is missing or older than the sources (`scripts/dist.js check`). Running it here, not in a
 * child, is what lets `npm start` stop on SIGTERM: the script is `exec node scripts/start.js`, so
 * the signal npm forwards to its shell reaches this process, which is the server.
 * `npm run dev` keeps tsx's watch mode.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { distIsCurrent } from "./dist.js";

const root = fileURLToPath(new URL("../", import.meta.url));
if (!distIsCurrent(root)) {
  process.stderr.write("polar-emulator: dist/ is missing or older than src/, building it (npm run build)\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const built = spawnSync(npm, ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import("../dist/launch.js");
