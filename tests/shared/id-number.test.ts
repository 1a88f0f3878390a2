import { describe, expect, it } from "vitest";
import { checkDigit, isValidIdNumber, makeIdNumber, parseIdNumber } from "../../src/shared/id-number.js";

describe("GB 11643 identity numbers", () => {
  it("computes the check character of a known number", () => {
    expect(checkDigit("11010519491231002")).toBe("X");
    expect(checkDigit("44052418800101001")).toBe("4");
    expect(() => checkDigit("1234")).toThrow();
  });

  it("accepts a known valid number and parses it", () => {
    expect(isValidIdNumber("11010519491231002X")).toBe(true);
    expect(parseIdNumber("11010519491231002X")).toEqual({
      regionCode6: "110105",
      birthDate: "1949-12-31",
      gender: "FEMALE",
    });
    expect(parseIdNumber("440524188001010014")).toEqual({
      regionCode6: "440524",
      birthDate: "1880-01-01",
      gender: "MALE",
    });
  });

  it("rejects a bad checksum", () => {
    expect(isValidIdNumber("110105194912310021")).toBe(false);
    expect(parseIdNumber("110105194912310021")).toBeNull();
  });

  it("rejects impossible dates, bad formats and unknown provinces", () => {
    const withCheck = (first17: string) => first17 + checkDigit(first17);
    expect(isValidIdNumber(withCheck("11010519490230002"))).toBe(false); // 30 February
    expect(isValidIdNumber(withCheck("11010519491332002"))).toBe(false); // month 13
    expect(isValidIdNumber(withCheck("11010519000229002"))).toBe(false); // 1900 is not a leap year
    expect(isValidIdNumber(withCheck("11010520000229002"))).toBe(true); // 2000 is
    expect(isValidIdNumber(withCheck("99010519491231002"))).toBe(false); // no province 99
    expect(isValidIdNumber("11010519491231002x")).toBe(false); // lower-case x
    expect(isValidIdNumber("1101051949123100")).toBe(false);
    expect(isValidIdNumber("")).toBe(false);
  });

  it("makes valid numbers and fixes the gender parity of the 17th digit", () => {
    const male = makeIdNumber("431221", "1980-02-29", 120, "MALE");
    expect(male).toHaveLength(18);
    expect(male.slice(14, 17)).toBe("121");
    expect(parseIdNumber(male)).toEqual({ regionCode6: "431221", birthDate: "1980-02-29", gender: "MALE" });
    const female = makeIdNumber("431221", "2001-07-09", 7, "FEMALE");
    expect(female.slice(14, 17)).toBe("006");
    expect(parseIdNumber(female)?.gender).toBe("FEMALE");
    expect(parseIdNumber(makeIdNumber("431202", "1999-12-31", "999", "MALE"))?.gender).toBe("MALE");
    expect(() => makeIdNumber("43122", "1980-01-01", 1, "MALE")).toThrow();
    expect(() => makeIdNumber("431221", "1980-02-30", 1, "MALE")).toThrow();
    expect(() => makeIdNumber("431221", "1980-01-01", 1000, "MALE")).toThrow();
  });
});
