import type { Storage } from "@graphiql/toolkit";
import { withoutCredentials } from "./headers.js";

const NAMESPACE = "graphiql:";
const HISTORY_KEYS = new Set([`${NAMESPACE}queries`, `${NAMESPACE}favorites`]);

function historyWithoutCredentials(value: string): string {
  try {
    const stored = JSON.parse(value) as Record<string, { headers?: string | null }[]>;
    for (const items of Object.values(stored)) {
      for (const item of items) if (item.headers) item.headers = withoutCredentials(item.headers);
    }
    return JSON.stringify(stored);
  } catch {
    return value;
  }
}

/**
 * localStorage as GraphiQL uses it by default, except that no credential is ever written to it:
 * GraphiQL keeps the headers of each history entry even when headers are not persisted, and a
 * bearer token left in the browser of a shared office computer would outlive the person's session.
 * The entries in memory keep their headers, so history works as usual until the page is reloaded.
 */
export const storageWithoutCredentials: Storage = {
  getItem: (key) => localStorage.getItem(key),
  setItem(key, value) {
    localStorage.setItem(key, HISTORY_KEYS.has(key) ? historyWithoutCredentials(value) : value);
  },
  removeItem: (key) => localStorage.removeItem(key),
  get length() {
    return Object.keys(localStorage).filter((key) => key.startsWith(NAMESPACE)).length;
  },
  clear() {
    for (const key of Object.keys(localStorage)) if (key.startsWith(NAMESPACE)) localStorage.removeItem(key);
  },
};
