import type { Problem, Row } from "./engine.js";

/**
 * A step of a workflow (a household's status, an alert's, a monitoring case's) taken only from
 * some statuses: from any other the write is refused, saying which it must be. `what` says what
 * was refused, given the current status ("A POOR household cannot eliminate risk").
 */
export function onlyFrom(from: readonly string[], what: (status: string) => string): (current: Row) => Problem | null {
  return (current) =>
    from.includes(current.status as string)
      ? null
      : { refused: `${what(String(current.status))}: it must be ${from.join(" or ")}.` };
}
