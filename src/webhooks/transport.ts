/**
 * One webhook POST over node:http(s), on keep-alive agents: what Polar's httpx client does for a
 * delivery. Redirects are not followed; the whole exchange has a deadline. The body read is kept
 * up to a few kilobytes (the log keeps 2048 characters) but read to its end, so the connection
 * can be reused. node:http rather than fetch: a third of the CPU per delivery (docs/decisions.md).
 */
import http from "node:http";
import https from "node:https";

export interface PostResult {
  /** null when no response came (refused, reset, timed out before the headers). */
  status: number | null;
  body: string | null;
  error: string | null;
  timedOut: boolean;
}

export interface InFlight {
  result: Promise<PostResult>;
  /** Gives up on the request (a reset or a deleted endpoint); the result then says so. */
  cancel(): void;
}

/** Response bytes kept: 2048 characters of UTF-8 are at most 8 KiB. */
const KEEP_BYTES = 8 * 1024;

interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/**
 * Keep-alive agents per endpoint, not per origin: 40 receivers on one host:port that never answer
 * would otherwise hold every socket of a shared agent and starve a healthy endpoint beside them.
 * One pool per engine, so emulators in one process never close each other's sockets.
 */
export class AgentPool {
  private readonly agents = new Map<string, Agents>();

  of(key: string): Agents {
    let found = this.agents.get(key);
    if (!found) {
      found = {
        http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
        https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
      };
      this.agents.set(key, found);
    }
    return found;
  }

  /** Closes an endpoint's sockets (deleted, or the engine reset or closed). */
  release(key: string): void {
    const found = this.agents.get(key);
    if (!found) return;
    this.agents.delete(key);
    found.http.destroy();
    found.https.destroy();
  }

  releaseAll(): void {
    for (const key of [...this.agents.keys()]) this.release(key);
  }

  get size(): number {
    return this.agents.size;
  }
}

const shared = new AgentPool();

export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  /** The endpoint's own agents (a shared pair when none is given). */
  agents: Agents = shared.of(""),
): InFlight {
  let cancel = () => {};
  const result = new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (outcome: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const payload = Buffer.from(body, "utf8");
    const request = (secure ? https : http).request(
      target,
      {
        method: "POST",
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, "content-length": String(payload.length) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on("data", (chunk: Buffer) => {
          if (kept >= KEEP_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        response.on("end", () =>
          finish({
            status: response.statusCode ?? null,
            body: Buffer.concat(chunks).toString("utf8"),
            error: null,
            timedOut: false,
          }),
        );
        response.on("error", (error) =>
          finish({ status: response.statusCode ?? null, body: null, error: error.message, timedOut: false }),
        );
      },
    );
    const timer = setTimeout(() => {
      finish({
        status: null,
        body: null,
        error: `timed out: no complete response within ${timeoutMs} ms`,
        timedOut: true,
      });
      request.destroy();
    }, timeoutMs);
    request.on("error", (error) =>
      finish({ status: null, body: null, error: error.message, timedOut: false }),
    );
    cancel = () => {
      finish({ status: null, body: null, error: "cancelled", timedOut: false });
      request.destroy();
    };
    request.end(payload);
  });
  return { result, cancel: () => cancel() };
}
