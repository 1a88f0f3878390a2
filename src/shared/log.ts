import { pino, stdTimeFunctions } from "pino";

type Level = "debug" | "info" | "warn" | "error";

/**
 * One JSON line per event on stderr (pino, written synchronously so that a line logged just before
 * the process exits is not lost): `time`, `level` by name, `message`, then the fields. Callers pass
 * ids and codes, never personal values.
 */
const options = {
  messageKey: "message",
  base: undefined,
  timestamp: stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) },
};
const stderr = pino.destination({ dest: 2, sync: true });
let logger = pino({ ...options, level: "info" }, stderr);

export function setLogLevel(level: Level | "silent"): void {
  logger.level = level;
}

/** Sends the log lines to `destination` instead of stderr (null: back to stderr), e.g. to read them in a test. */
export function logTo(destination: { write(line: string): void } | null): void {
  logger = pino({ ...options, level: logger.level }, destination ?? stderr);
}

export function logLevel(): Level | "silent" {
  return logger.level as Level | "silent";
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  logger[level](fields, message);
}
