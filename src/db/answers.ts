import { MisansweredStatementError } from "../shared/errors.js";
import { log } from "../shared/log.js";

/** How postgres.js was asked to give the rows: objects by column name, or arrays by position. */
export type RowMode = "objects" | "values" | "raw";

interface Answer {
  length: number;
  command?: unknown;
  count?: unknown;
  columns?: readonly { name: string }[] | null;
}

/**
 * Why postgres.js's answer to a statement cannot be that statement's, or null. The rows of one
 * answer are dense (an empty slot is a count left over from another statement on the connection),
 * as many as the server said it sent, and each as wide as the statement's own columns (arrays) or
 * keyed by exactly their names (objects). Answers of several statements at once are not checked.
 */
export function answerFault(result: unknown, mode: RowMode): string | null {
  if (!Array.isArray(result)) return null;
  const answer = result as unknown[] & Answer;
  if (typeof answer.command !== "string") return null;
  const columns = answer.columns ?? null;
  const names = columns ? new Set(columns.map((column) => column.name)) : null;
  for (let i = 0; i < answer.length; i++) {
    if (!(i in answer)) return "an empty slot among the rows";
    if (!columns || !names) continue;
    const row = answer[i];
    if (mode === "objects") {
      const keys = row && typeof row === "object" ? Object.keys(row) : null;
      if (!keys || keys.length !== names.size || keys.some((key) => !names.has(key))) return "a row keyed otherwise";
    } else if (!Array.isArray(row) || row.length !== columns.length) return "a row of another width";
  }
  // CREATE TABLE … AS and SELECT INTO also end "SELECT n" but send no rows: only an answer that
  // described its columns was to bring its rows.
  if (
    answer.command === "SELECT" &&
    columns?.length &&
    typeof answer.count === "number" &&
    answer.count !== answer.length
  )
    return `${answer.length} rows where the server sent ${answer.count}`;
  return null;
}

/**
 * The error for an answer that is not its statement's, logged with what was wrong (never a value).
 * Its code is SERVICE_UNAVAILABLE: the caller may try again, and gets nothing of the answer.
 */
export function misanswered(
  fault: string,
  about: { statement?: string; columns?: readonly string[] },
): MisansweredStatementError {
  log("error", "a statement's answer was not its own; none of it was used", {
    fault,
    ...(about.statement === undefined ? {} : { statement: about.statement.slice(0, 200) }),
    ...(about.columns === undefined ? {} : { columns: about.columns }),
  });
  return new MisansweredStatementError();
}

/**
 * The one row of a statement that always returns exactly one, with exactly `columns`: anything
 * else is not its answer (zero rows, several, other columns) and is refused before it is read.
 */
export function onlyRow<T extends Record<string, unknown>>(rows: readonly T[], columns: readonly string[]): T {
  if (rows.length !== 1 || !(0 in rows)) throw misanswered(`${rows.length} rows where one was certain`, { columns });
  const row = rows[0]!;
  const keys = Object.keys(row);
  if (keys.length !== columns.length || columns.some((column) => !(column in row)))
    throw misanswered("a row with other columns than the statement's", { columns });
  return row;
}
