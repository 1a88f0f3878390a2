import { createHash } from "node:crypto";
import { Kind, parse } from "graphql";
import type { Principal } from "../access/access.js";
import type { Drizzle } from "../db/client.js";
import { OperationNotRegisteredError } from "../http/http.errors.js";
import { lookUpOperation } from "./operation.repository.js";

/** A registered document's id: sha256 (hex) of its text without leading and trailing white space. */
export function operationId(document: string): string {
  return createHash("sha256").update(document.trim()).digest("hex");
}

/** The name of the document's first named operation, if any (for listings). */
export function operationNameOf(document: string): string | null {
  const definition = parse(document).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name);
  return definition?.kind === Kind.OPERATION_DEFINITION ? (definition.name?.value ?? null) : null;
}

/** One request as it arrives: a POST's parsed body, or a GET's query string. */
export interface RequestParts {
  method: string;
  body: unknown;
  search: string;
}

/**
 * An integrator's API key bound to registered operations runs only those: by id (Apollo's
 * persistedQuery extension, sent without the document, which is then filled in from the
 * registration) or by the exact document. Anyone else passes untouched, automatic persisted
 * queries included. Resolves to the request to execute; throws OperationNotRegisteredError.
 */
export async function enforceSafelist(db: Drizzle, principal: Principal, request: RequestParts): Promise<RequestParts> {
  if (principal.via !== "api-key") return request;
  const apiKeyId = Number(principal.id.slice("api-key:".length));
  const get = request.method === "GET";
  const params = get ? new URLSearchParams(request.search) : null;
  const body = (!get && request.body && typeof request.body === "object" ? request.body : {}) as Record<
    string,
    unknown
  >;
  // A batch (an array) has no single document: for a bound key it matches nothing.
  const query = get ? params!.get("query") : typeof body.query === "string" ? body.query : null;
  const hash = persistedHash(get ? params!.get("extensions") : body.extensions);
  const id = query !== null ? operationId(query) : hash;
  const { bound, document } = await lookUpOperation(db, apiKeyId, id ?? "");
  if (!bound) return request;
  if (document === null || Array.isArray(request.body)) throw new OperationNotRegisteredError(query === null);
  if (query !== null) return request;
  // By id: the registered document is executed (its id is the sha256 Apollo checks it against).
  if (get) {
    params!.set("query", document);
    return { ...request, search: `?${params!.toString()}` };
  }
  return { ...request, body: { ...body, query: document } };
}

function persistedHash(extensions: unknown): string | null {
  let value = extensions;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const hash = (value as { persistedQuery?: { sha256Hash?: unknown } } | null)?.persistedQuery?.sha256Hash;
  return typeof hash === "string" && /^[0-9a-f]{64}$/i.test(hash) ? hash.toLowerCase() : null;
}
