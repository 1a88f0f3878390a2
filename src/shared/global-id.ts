import { BadUserInputError } from "./errors.js";

/** Row keys are PostgreSQL integers: anything larger cannot name a row. */
export const MAX_KEY = 2_147_483_647;

/**
 * Relay global ids: opaque base64url of `Type:key`. Clients must treat them as strings;
 * the same id is the federation key of every entity.
 */
export function toGlobalId(type: string, key: string | number): string {
  return Buffer.from(`${type}:${key}`, "utf8").toString("base64url");
}

export function fromGlobalId(id: string): { type: string; key: string } {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(id) ? Buffer.from(id, "base64url").toString("utf8") : "";
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) throw new BadUserInputError(`"${truncate(id)}" is not a valid id.`);
  return { type: text.slice(0, colon), key: text.slice(colon + 1) };
}

/** Decodes an id that must be of one type, with an integer key. */
export function decodeId(id: string, type: string): number {
  const decoded = fromGlobalId(id);
  const key = decoded.type === type ? parseKey(decoded.key) : null;
  if (key === null) throw new BadUserInputError(`"${truncate(id)}" is not a valid ${type} id.`);
  return key;
}

/** A row key: a positive integer within PostgreSQL's integer range, or null. */
function parseKey(key: string): number | null {
  const n = Number(key);
  return /^[0-9]{1,10}$/.test(key) && n > 0 && n <= MAX_KEY ? n : null;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** The integer key of a decoded global id, or BAD_USER_INPUT. */
export function intKey(key: string, type: string): number {
  const n = parseKey(key);
  if (n === null) throw new BadUserInputError(`Not a valid ${type} id.`);
  return n;
}
