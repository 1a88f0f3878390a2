import { pino, stdTimeFunctions } from "pino";

type Level = "debug" | "info" | "warn" | "error";

/**
 * One JSON line per event on stderr (pino, written synchronously so that a line logged just before
 * the process exits is not lost): `time`, `level` by name, `message`, then the fields. Callers pass
 * ids and codes, never personal values.
 */
const logger = pino(
  {
    level: "info",
    messageKey: "message",
    base: undefined,
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  pino.destination({ dest: 2, sync: true }),
);

export function setLogLevel(level: Level | "silent"): void {
  logger.level = level;
}

export function logLevel(): Level | "silent" {
  return logger.level as Level | "silent";
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  logger[level](fields, message);
}
