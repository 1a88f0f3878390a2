import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Drizzle } from "../db/client.js";
import { apiKeys, registeredOperations } from "../db/schema.js";

export interface RegisteredOperation {
  apiKeyId: number;
  operationId: string;
  name: string | null;
  registeredAt: Date;
}

/** Whether a key is bound to registered operations at all, and the document registered under `operationId`. */
export async function lookUpOperation(
  db: Drizzle,
  apiKeyId: number,
  operationId: string,
): Promise<{ bound: boolean; document: string | null }> {
  const [row] = await db
    .select({
      registered: count(),
      document: sql<
        string | null
      >`max(${registeredOperations.document}) FILTER (WHERE ${registeredOperations.operationId} = ${operationId})`,
    })
    .from(registeredOperations)
    .where(eq(registeredOperations.apiKeyId, apiKeyId));
  return { bound: Number(row?.registered ?? 0) > 0, document: row?.document ?? null };
}

export async function apiKeyExists(db: Drizzle, apiKeyId: number): Promise<boolean> {
  const rows = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, apiKeyId));
  return rows.length > 0;
}

/** Registers a document for a key; registering it again changes nothing. True when it was new. */
export async function registerOperation(
  db: Drizzle,
  op: { apiKeyId: number; operationId: string; name: string | null; document: string },
): Promise<boolean> {
  const rows = await db
    .insert(registeredOperations)
    .values(op)
    .onConflictDoNothing()
    .returning({ id: registeredOperations.operationId });
  return rows.length > 0;
}

export async function listOperations(db: Drizzle, apiKeyId?: number): Promise<RegisteredOperation[]> {
  return db
    .select({
      apiKeyId: registeredOperations.apiKeyId,
      operationId: registeredOperations.operationId,
      name: registeredOperations.name,
      registeredAt: registeredOperations.registeredAt,
    })
    .from(registeredOperations)
    .where(apiKeyId === undefined ? undefined : eq(registeredOperations.apiKeyId, apiKeyId))
    .orderBy(asc(registeredOperations.apiKeyId), asc(registeredOperations.registeredAt));
}

export async function countOperations(db: Drizzle, apiKeyId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(registeredOperations)
    .where(eq(registeredOperations.apiKeyId, apiKeyId));
  return Number(row?.n ?? 0);
}

/** Removes one operation (`operationId`) or all of a key's (`undefined`); resolves to how many were removed. */
export async function removeOperations(db: Drizzle, apiKeyId: number, operationId?: string): Promise<number> {
  const rows = await db
    .delete(registeredOperations)
    .where(
      and(
        eq(registeredOperations.apiKeyId, apiKeyId),
        operationId === undefined ? undefined : eq(registeredOperations.operationId, operationId),
      ),
    )
    .returning({ id: registeredOperations.operationId });
  return rows.length;
}
