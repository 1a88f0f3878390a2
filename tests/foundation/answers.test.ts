import { describe, expect, it } from "vitest";
import { answerFault, onlyRow } from "../../src/db/answers.js";
import { MisansweredStatementError } from "../../src/shared/errors.js";

/** An answer as postgres.js gives it: an array of rows with the command, count and columns beside. */
function answer(rows: unknown[], columns: string[], count = rows.length) {
  return Object.assign(rows, { command: "SELECT", count, columns: columns.map((name) => ({ name })) });
}

describe("an answer that is not its statement's", () => {
  it("is found: an empty slot, a count the rows do not match, rows of another width or names", () => {
    const holed = answer([], ["total"], 1);
    holed[1] = { total: 1 };
    expect(answerFault(holed, "objects")).toBe("an empty slot among the rows");
    expect(answerFault(answer([{ total: 1 }], ["total"], 2), "objects")).toMatch(/server sent 2/);
    expect(answerFault(answer([[1, 2]], ["total"]), "values")).toBe("a row of another width");
    expect(answerFault(answer([{ id: 1 }], ["total"]), "objects")).toBe("a row keyed otherwise");
  });

  it("is not found in a statement that ends SELECT n but sends no rows (CREATE TABLE … AS)", () => {
    expect(answerFault(answer([], [], 5), "objects")).toBeNull();
    expect(answerFault(Object.assign([], { command: "SELECT", count: 5 }), "values")).toBeNull();
  });

  it("is not found in a statement's own answer, in either row mode", () => {
    expect(answerFault(answer([{ total: 1, fetched: 2 }], ["total", "fetched"]), "objects")).toBeNull();
    expect(
      answerFault(
        answer(
          [
            [1, 2],
            [3, 4],
          ],
          ["a", "a"],
        ),
        "raw",
      ),
    ).toBeNull();
    expect(answerFault(answer([], ["total"]), "values")).toBeNull();
  });
});

describe("a statement that always returns one row", () => {
  it("refuses none, several, or one with other columns, with a typed error", () => {
    for (const rows of [[], [{ total: "1" }, { total: "2" }], [{ r: "{}" }], [{ total: "1", r: "{}" }]]) {
      expect(() => onlyRow(rows as Record<string, unknown>[], ["total"])).toThrow(MisansweredStatementError);
    }
    const refusal = (() => {
      try {
        onlyRow([], ["total"]);
        return null;
      } catch (error) {
        return error as MisansweredStatementError;
      }
    })();
    expect(refusal?.extensions.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("gives its one row", () => {
    expect(onlyRow([{ total: "3", fetched: "4" }], ["total", "fetched"])).toEqual({ total: "3", fetched: "4" });
  });
});
