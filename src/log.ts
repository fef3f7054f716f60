import { writeSync } from "node:fs";
import { type Logger, pino } from "pino";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Log bytes held while stdout is not read (a pipe nobody drains): past this, lines are dropped
 * and counted rather than buffered without end (pino's default destination has no cap).
 */
export const LOG_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * At exit, how long the lines still held may wait for a reader that takes nothing: then they are
 * dropped and the process exits (pino's own exit flush retried a full pipe forever).
 */
export const LOG_EXIT_WAIT_MS = 1000;

/** How often held lines are tried again while the reader is not taking them. */
const RETRY_MS = 20;

/** Log lines dropped since the process started because stdout was not being read. */
let dropped = 0;
export function droppedLogLines(): number {
  return dropped;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** Sleeps the thread (the exit handler has no event loop left to wait on). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The destinations holding lines the reader has not taken yet. */
const holding = new Set<LogDestination>();

/**
 * The logs' destination: each line written at once (`writeSync` on stdout, which Node makes
 * non-blocking for a pipe), what the reader does not take yet held in order and retried on a
 * timer, at most LOG_BUFFER_BYTES of it (past that, lines are dropped and counted), and a bounded
 * flush when the process exits. Nothing is ever in flight on another thread, so what is held at
 * exit is exactly what is left to write.
 */
class LogDestination {
  /** Lines not written yet, oldest first; the first may be partly written already. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The reader went away (EPIPE) or the descriptor is unusable: everything from now is dropped. */
  private broken = false;

  constructor(private readonly fd: number) {}

  write(line: string): boolean {
    if (this.broken) {
      dropped++;
      return false;
    }
    const bytes = Buffer.from(line, "utf8");
    if (this.heldBytes + bytes.length > LOG_BUFFER_BYTES) {
      dropped++;
      return false;
    }
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    if (this.held.length === 1 && !this.writeHeld()) holding.add(this);
    return true;
  }

  /** Bytes not written yet. */
  get pending(): number {
    return this.heldBytes;
  }

  /**
   * Writes what is held until done or the reader takes nothing more; true when it all went.
   * Lines count as dropped only when the destination gives up on them (broken).
   */
  private writeHeld(): boolean {
    while (this.held.length > 0) {
      const first = this.held[0] as Buffer;
      let written: number;
      try {
        written = writeSync(this.fd, first);
      } catch (error) {
        if (errorCode(error) === "EAGAIN") {
          this.schedule();
          return false;
        }
        this.break();
        return false;
      }
      if (written === 0) {
        this.schedule();
        return false;
      }
      this.heldBytes -= written;
      if (written < first.length) this.held[0] = first.subarray(written);
      else this.held.shift();
    }
    holding.delete(this);
    return true;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeHeld();
    }, RETRY_MS);
    // A process with nothing else to do may end; the exit flush takes what is left.
    this.timer.unref();
  }

  private break(): void {
    this.broken = true;
    dropped += this.held.length;
    this.held = [];
    this.heldBytes = 0;
    holding.delete(this);
  }

  /** Resolves once everything held is written, or after `ms` (what is left then stays held). */
  async drain(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.heldBytes > 0 && !this.broken && Date.now() < deadline) {
      if (this.writeHeld()) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  /**
   * At exit (synchronously): writes what is held while the reader takes it, and gives up once it
   * has taken nothing for `ms`; the rest is dropped and counted.
   */
  flushAtExit(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let lastProgress = Date.now();
    while (this.heldBytes > 0 && !this.broken) {
      const before = this.heldBytes;
      if (this.writeHeld()) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      if (this.heldBytes < before) lastProgress = Date.now();
      else if (Date.now() - lastProgress >= ms) {
        this.break();
        return;
      }
      sleepSync(RETRY_MS);
    }
  }
}

process.on("exit", () => {
  for (const destination of holding) destination.flushAtExit(LOG_EXIT_WAIT_MS);
});

/**
 * Writes the lines every logger of this process still holds before the process exits, waiting at
 * most `ms` for a reader that takes nothing (the CLI calls it on its way out).
 */
export async function drainLogs(ms = LOG_EXIT_WAIT_MS): Promise<void> {
  await Promise.all([...holding].map((destination) => destination.drain(ms)));
}

/** Structured JSON logs, one line per request at `info`, to stdout with a bounded buffer. */
export function createLogger(level: LogLevel, fd = 1): Logger {
  return pino({ level, base: { name: "polar-emulator" } }, new LogDestination(fd));
}
