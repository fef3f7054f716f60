/**
 * The baseline: a bare express 5 app with one GET and one POST route that answer the bytes the
 * emulator answered (captured by bench/run.ts), with the same status and content type. No auth,
 * no validation; the POST route parses the JSON body (express.json()) and ignores it.
 * Run as a child process by bench/run.ts: BASELINE_PORT, BASELINE_SPEC (a JSON BaselineSpec file).
 */
import { readFileSync } from "node:fs";
import express from "express";
import type { BaselineSpec } from "./targets.js";

const port = Number(process.env.BASELINE_PORT);
const specFile = process.env.BASELINE_SPEC;
if (!Number.isInteger(port) || port <= 0 || specFile === undefined) {
  console.error("BASELINE_PORT and BASELINE_SPEC are required");
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specFile, "utf8")) as BaselineSpec;

const app = express();
// Same settings as the emulator's app (src/http/app.ts).
app.disable("x-powered-by");
app.set("etag", false);

app.get("/_baseline/health", (_req, res) => {
  res.status(200).send("ok");
});
// Written with Node's response API, as the emulator writes its replies, so the content type is the
// captured one exactly (express's send would add a charset).
function reply(res: express.Response, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}
app.get(spec.getPath, (_req, res) => reply(res, spec.getStatus, spec.getContentType, spec.getBody));
app.post(spec.postPath, express.json(), (_req, res) =>
  reply(res, spec.postStatus, spec.postContentType, spec.postBody),
);

const server = app.listen(port, "127.0.0.1", () => {
  console.log(`baseline listening on http://127.0.0.1:${port}`);
});
server.keepAliveTimeout = 65_000;
const close = () => server.close(() => process.exit(0));
process.once("SIGTERM", close);
process.once("SIGINT", close);
