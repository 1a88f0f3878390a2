/**
 * How the server and the CLIs fail: one sentence for a person, with the underlying cause
 * (PostgreSQL's own message, the refused address, the port in use), and a non-zero exit. The stack
 * is printed only with LOG_LEVEL=debug: drizzle wraps the driver's error ("Failed query: …") and
 * the reason is in its `cause`, which is what is worth reading.
 */

/** A failure whose message is already the sentence to print (bad input to a CLI, a refused lock…). */
export class UserFacingError extends Error {
  override name = "UserFacingError";
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

type Found = { kind: "user" | "postgres" | "connection" | "port" | "other"; message: string; code?: string };

/** Errors this one stands for: its cause, or each of an AggregateError's (localhost is ::1 and 127.0.0.1). */
function* chain(error: unknown, seen = new Set<unknown>()): Generator<Error> {
  let current = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    yield current;
    if (current instanceof AggregateError && current.errors.length) {
      for (const inner of current.errors) yield* chain(inner, seen);
      return;
    }
    current = current.cause;
  }
}

function find(error: unknown): Found {
  let last: Error | null = null;
  for (const e of chain(error)) {
    last = e;
    const code = (e as { code?: unknown }).code;
    if (e instanceof UserFacingError || e.name === "ConfigError" || e.name === "FolderLockedError") {
      return { kind: "user", message: e.message };
    }
    if (code === "EADDRINUSE") {
      const port = (e as { port?: number }).port;
      return { kind: "port", message: `port ${port ?? "?"} is in use`, code };
    }
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return { kind: "connection", message: e.message, code };
    // PostgreSQL's errors (postgres.js and PGlite alike) carry a severity and a five-character SQLSTATE.
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && "severity" in e) {
      return { kind: "postgres", message: e.message, code };
    }
  }
  return { kind: "other", message: last?.message || String(error) };
}

const HINTS: Record<string, string> = {
  "3D000": "create it (createdb) or correct DATABASE_URL",
  "28000": "create the role or correct the user in DATABASE_URL",
  "28P01": "check the password in DATABASE_URL",
  "42501": "grant the role the privileges it needs",
};

/** The one sentence: `doing` says what failed ("Cannot start", "api-key create failed"), `where` which database. */
export function failureSentence(error: unknown, doing: string, where?: string): string {
  const found = find(error);
  const at = where ? ` (${where})` : "";
  switch (found.kind) {
    case "user":
      return found.message;
    case "port":
      return `${doing}: ${found.message}; stop the process using it or set PORT to another port.`;
    case "connection":
      return `${doing}: cannot reach the database${at}: ${found.message}. Is PostgreSQL running there, and is DATABASE_URL right?`;
    case "postgres": {
      const hint = HINTS[found.code!];
      return `${doing}: the database${at} said: ${found.message}${hint ? `; ${hint}` : ""}.`;
    }
    default:
      return `${doing}: ${found.message.replace(/\.$/, "")}.${where ? ` Database: ${where}.` : ""} Run with LOG_LEVEL=debug for the details.`;
  }
}

/** Prints the sentence (and, with LOG_LEVEL=debug, the stack) on stderr and exits with `code`. */
export function exitWithFailure(error: unknown, doing: string, where?: string, code = 1): never {
  process.stderr.write(`${failureSentence(error, doing, where)}\n`);
  if (process.env.LOG_LEVEL === "debug") {
    for (const e of chain(error)) process.stderr.write(`${e.stack ?? e.message}\n`);
  }
  process.exit(code);
}
