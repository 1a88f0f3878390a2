/**
 * GB 11643-1999 citizen identity numbers (公民身份号码): 6-digit address (region) code,
 * 8-digit birth date YYYYMMDD, 3-digit sequence whose last digit is odd for men and even for
 * women, and an ISO 7064 MOD 11-2 check character (0-9 or X). Pure functions, no dependencies.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";

/** Province-level codes (the first two digits of a region code) in GB/T 2260. */
const PROVINCES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82",
]);

export type IdGender = "MALE" | "FEMALE";

export interface ParsedIdNumber {
  regionCode6: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: IdGender;
}

/** The check character for the first 17 digits. Throws when the input is not 17 digits. */
export function checkDigit(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) throw new Error(`checkDigit needs 17 digits, got ${JSON.stringify(first17)}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (year < 1800 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** Format (17 digits + digit or upper-case X), a known province prefix, a real birth date, and the check character. */
export function isValidIdNumber(s: string): boolean {
  return parseIdNumber(s) !== null;
}

/** The region, birth date and gender encoded in a valid identity number; null when it is not valid. */
export function parseIdNumber(s: string): ParsedIdNumber | null {
  if (typeof s !== "string" || !/^[0-9]{17}[0-9X]$/.test(s)) return null;
  const region = s.slice(0, 6);
  if (!PROVINCES.has(region.slice(0, 2))) return null;
  const year = Number(s.slice(6, 10));
  const month = Number(s.slice(10, 12));
  const day = Number(s.slice(12, 14));
  if (!isValidDate(year, month, day)) return null;
  if (checkDigit(s.slice(0, 17)) !== s[17]) return null;
  return {
    regionCode6: region,
    birthDate: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`,
    gender: (s.charCodeAt(16) - 48) % 2 === 1 ? "MALE" : "FEMALE",
  };
}

/**
 * Builds an identity number. `sequence3` is the 3-digit sequence (0-999); when the parity of its
 * last digit disagrees with `gender`, that digit is flipped (d XOR 1) so the result always matches.
 */
export function makeIdNumber(region6: string, birthDate: string, sequence3: number | string, gender: IdGender): string {
  if (!/^[0-9]{6}$/.test(region6)) throw new Error(`region code must be 6 digits: ${region6}`);
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(birthDate);
  if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw new Error(`bad birth date: ${birthDate}`);
  const seq = typeof sequence3 === "number" ? sequence3 : Number(sequence3);
  if (!Number.isInteger(seq) || seq < 0 || seq > 999) throw new Error(`sequence must be 0-999: ${sequence3}`);
  let digits = String(seq).padStart(3, "0");
  const last = digits.charCodeAt(2) - 48;
  if ((last % 2 === 1) !== (gender === "MALE")) digits = digits.slice(0, 2) + String(last ^ 1);
  const first17 = `${region6}${m[1]}${m[2]}${m[3]}${digits}`;
  return first17 + checkDigit(first17);
}
