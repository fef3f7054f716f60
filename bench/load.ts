/**
 * autocannon runs and what they say, including every response whose status was not the expected one.
 * `runInterleaved` splits each target's time into short slices taken in turn (A B, B A, A B, ...), so
 * that a background load that comes and goes hits both targets alike.
 */
import autocannon from "autocannon";
import { round } from "./children.js";

export interface LoadSpec {
  label: string;
  baseUrl: string;
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  expectedStatus: number;
  /** A fresh body per request (POST); absent for a fixed request. */
  body?: () => string;
}

export interface Unexpected {
  status: number;
  request: string;
  response: string;
}

export interface LoadResult {
  label: string;
  /** Seconds under load, summed over the slices. */
  durationS: number;
  slices: number;
  /** Responses of any status. */
  requests: number;
  /** Responses (any status) per second under load. */
  reqPerSec: number;
  /** req/s of each slice, to see the spread. */
  sliceReqPerSec: number[];
  /** From every response's own duration (fractional ms), not autocannon's whole-ms histogram. */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  non2xx: number;
  /** Responses whose status differs from `expectedStatus` (includes non-2xx). */
  unexpected: number;
  errors: number;
  timeouts: number;
  /** The first few unexpected responses, with the request that triggered them. */
  samples: Unexpected[];
  reqErrors: string[];
}

interface Slice {
  durationS: number;
  durations: number[];
  statusCodes: Record<string, number>;
  non2xx: number;
  unexpected: number;
  errors: number;
  timeouts: number;
  samples: Unexpected[];
  reqErrors: string[];
}

const MAX_SAMPLES = 5;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
}

function runSlice(spec: LoadSpec, durationS: number, connections: number): Promise<Slice> {
  const samples: Unexpected[] = [];
  const reqErrors: string[] = [];
  const durations: number[] = [];
  const bodies = new WeakMap<object, string>();
  let unexpected = 0;
  const request: autocannon.Request = {
    method: spec.method,
    path: spec.path,
    headers: spec.headers,
    onResponse: (status, body, context) => {
      if (status === spec.expectedStatus) return;
      unexpected++;
      if (samples.length < MAX_SAMPLES) {
        samples.push({
          status,
          request: `${spec.method} ${spec.path} ${bodies.get(context) ?? ""}`.trim(),
          response: body.slice(0, 2000),
        });
      }
    },
  };
  const makeBody = spec.body;
  if (makeBody) {
    // Called once per request (autocannon rebuilds the request before each send).
    request.setupRequest = (req, context) => {
      const body = makeBody();
      bodies.set(context, body);
      return { ...req, body };
    };
  }
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.baseUrl,
        connections,
        pipelining: 1,
        duration: durationS,
        timeout: 10,
        requests: [request],
        setupClient: (client) => {
          client.on("response", (_status, _bytes, responseTime) => {
            durations.push(responseTime);
          });
        },
      },
      (error: unknown, result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const statusCodes: Record<string, number> = {};
        for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
          statusCodes[code] = stats.count ?? 0;
        }
        resolve({
          durationS: result.duration,
          durations,
          statusCodes,
          non2xx: result.non2xx,
          unexpected,
          errors: result.errors,
          timeouts: result.timeouts,
          samples,
          reqErrors,
        });
      },
    );
    instance.on("reqError", (error: unknown) => {
      if (reqErrors.length < MAX_SAMPLES)
        reqErrors.push(error instanceof Error ? error.message : String(error));
    });
  });
}

function summarize(label: string, slices: Slice[]): LoadResult {
  const durations = slices.flatMap((s) => s.durations).sort((a, b) => a - b);
  const durationS = slices.reduce((sum, s) => sum + s.durationS, 0);
  const mean = durations.reduce((sum, d) => sum + d, 0) / Math.max(durations.length, 1);
  const statusCodes: Record<string, number> = {};
  for (const slice of slices) {
    for (const [code, count] of Object.entries(slice.statusCodes)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
  }
  const sum = (pick: (s: Slice) => number) => slices.reduce((total, s) => total + pick(s), 0);
  return {
    label,
    durationS: round(durationS),
    slices: slices.length,
    requests: durations.length,
    reqPerSec: round(durations.length / durationS, 1),
    sliceReqPerSec: slices.map((s) => round(s.durations.length / s.durationS, 0)),
    latencyMs: {
      mean: round(mean, 3),
      p50: round(percentile(durations, 50), 3),
      p90: round(percentile(durations, 90), 3),
      p99: round(percentile(durations, 99), 3),
      max: round(durations.at(-1) ?? Number.NaN, 3),
    },
    statusCodes,
    non2xx: sum((s) => s.non2xx),
    unexpected: sum((s) => s.unexpected),
    errors: sum((s) => s.errors),
    timeouts: sum((s) => s.timeouts),
    samples: slices.flatMap((s) => s.samples).slice(0, MAX_SAMPLES),
    reqErrors: slices.flatMap((s) => s.reqErrors).slice(0, MAX_SAMPLES),
  };
}

/**
 * Each spec gets `totalS` seconds in `rounds` slices; slices alternate between the specs and the
 * order flips every round. `afterSlice` runs after each slice (e.g. to notice a crashed server).
 */
export async function runInterleaved(
  specs: LoadSpec[],
  options: { totalS: number; rounds: number; connections: number; afterSlice?: () => void },
): Promise<LoadResult[]> {
  const sliceS = options.totalS / options.rounds;
  const slices: Slice[][] = specs.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    const order = specs.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      slices[i].push(await runSlice(specs[i], sliceS, options.connections));
      options.afterSlice?.();
    }
  }
  return specs.map((spec, i) => summarize(spec.label, slices[i]));
}
