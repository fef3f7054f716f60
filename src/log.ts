import { type Logger, pino } from "pino";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured JSON logs, one line per request at `info`. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { name: "polar-emulator" } });
}
