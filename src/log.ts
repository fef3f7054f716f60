import { type Logger, pino } from "pino";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Log bytes held while stdout is not read (a pipe nobody drains): past this, lines are dropped
 * and counted rather than buffered without end (pino's default destination has no cap).
 */
export const LOG_BUFFER_BYTES = 4 * 1024 * 1024;

/** Log lines dropped since the process started because stdout was not being read. */
let dropped = 0;
export function droppedLogLines(): number {
  return dropped;
}

/** Structured JSON logs, one line per request at `info`, to stdout with a bounded buffer. */
export function createLogger(level: LogLevel, fd = 1): Logger {
  const destination = pino.destination({ dest: fd, sync: false, maxLength: LOG_BUFFER_BYTES });
  destination.on("drop", () => {
    dropped++;
  });
  return pino({ level, base: { name: "polar-emulator" } }, destination);
}
