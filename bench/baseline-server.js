/**
 * The baselines: a bare express 5 app (`BASELINE_KIND=express`) or a bare node:http server
 * (`node`) whose routes answer the bytes the emulator answered (captured by bench/run.ts), with
 * the same status and content type. No auth, no validation; a POST's JSON body is read and parsed
 * (express.json() / JSON.parse) and ignored.
 * Run as a child process by bench/run.ts: BASELINE_PORT, BASELINE_SPEC (a JSON list of routes).
 * Plain JavaScript, so its time to ready is node's own (no TypeScript loader).
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import express from "express";

const port = Number(process.env.BASELINE_PORT);
const specFile = process.env.BASELINE_SPEC;
const kind = process.env.BASELINE_KIND ?? "express";
if (!Number.isInteger(port) || port <= 0 || specFile === undefined) {
  console.error("BASELINE_PORT and BASELINE_SPEC are required");
  process.exit(2);
}
/** @type {import("./targets.ts").CapturedRoute[]} */
const routes = JSON.parse(readFileSync(specFile, "utf8"));

// Written with Node's response API, as the emulator writes its replies, so the content type is the
// captured one exactly (express's send would add a charset).
/** @param {import("node:http").ServerResponse} res @param {import("./targets.ts").CapturedRoute} route */
function reply(res, route) {
  res.statusCode = route.status;
  res.setHeader("Content-Type", route.contentType);
  res.setHeader("Content-Length", Buffer.byteLength(route.body));
  res.end(route.body);
}

function expressApp() {
  const app = express();
  // Same settings as the emulator's app (src/http/app.ts).
  app.disable("x-powered-by");
  app.set("etag", false);
  app.get("/_baseline/health", (_req, res) => {
    res.status(200).send("ok");
  });
  for (const route of routes) {
    // express matches the path; the query (?limit=100) is parsed and ignored.
    const path = route.path.split("?")[0];
    if (route.method === "POST") app.post(path, express.json(), (_req, res) => reply(res, route));
    else app.get(path, (_req, res) => reply(res, route));
  }
  return app;
}

/** @returns {import("node:http").RequestListener} */
function nodeHandler() {
  const byKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
  return (req, res) => {
    if (req.url === "/_baseline/health") {
      res.end("ok");
      return;
    }
    const route = byKey.get(`${req.method} ${req.url}`);
    if (route === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    if (req.method !== "POST") {
      reply(res, route);
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      reply(res, route);
    });
  };
}

const server = createServer(kind === "node" ? nodeHandler() : expressApp());
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  console.log(`baseline (${kind}) listening on http://127.0.0.1:${port}`);
});
const close = () => server.close(() => process.exit(0));
process.once("SIGTERM", close);
process.once("SIGINT", close);
