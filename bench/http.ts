/** A tiny HTTP client on node:http (no keep-alive, no undici warm-up in the timings). */
import { request } from "node:http";

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
}

export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        agent: false,
        timeout: options.timeoutMs ?? 2000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"] ?? "",
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 2000} ms`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `url` every `intervalMs` until it answers 200; rejects after `timeoutMs` or as soon as
 * `failed()` returns a reason (the process died).
 */
export async function waitFor200(
  url: string,
  {
    intervalMs = 20,
    timeoutMs = 60_000,
    failed,
  }: { intervalMs?: number; timeoutMs?: number; failed?: () => string | null },
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const reason = failed?.();
    if (reason) throw new Error(reason);
    try {
      const res = await httpRequest(url, { timeoutMs: 1000 });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url} not healthy after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
