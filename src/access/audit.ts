import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { asc, desc, gt, sql } from "drizzle-orm";
import {
  getNamedType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Context } from "../context.js";
import type { Database } from "../db/client.js";
import { outsideRequests } from "../db/request-scope.js";
import { auditLog } from "../db/schema.js";
import type { DepartmentPolicy } from "./compile.js";

/**
 * The read audit (design §3): every operation that returns personal data appends one entry —
 * who, when, which operation, which personal fields, how many records, which households, which
 * purpose — chained by hashes so that a changed or removed entry is detected.
 */

/** Households whose personal data the data layer fetched for the current request. */
export class ReadCollector {
  readonly households = new Set<number>();
}

const current = new AsyncLocalStorage<ReadCollector>();

export function collectReads<T>(collector: ReadCollector, run: () => Promise<T>): Promise<T> {
  return current.run(collector, run);
}

/** Called by repositories as rows of personal types are fetched. */
export function noteRows(type: string, rows: readonly object[]): void {
  const collector = current.getStore();
  if (!collector || (type !== "Member" && type !== "HouseholdIncome" && type !== "RiskAlert")) return;
  for (const row of rows) {
    const id = (row as { householdId?: number }).householdId;
    if (typeof id === "number") collector.households.add(id);
  }
}

export interface PersonalRead {
  fields: string[];
  records: number;
}

/** Which personal fields a response carries and in how many records (objects), walking the document over the data. */
export function personalRead(
  schema: GraphQLSchema,
  policy: DepartmentPolicy,
  document: DocumentNode,
  operationName: string | null | undefined,
  data: unknown,
): PersonalRead {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName)) {
      operation ??= def;
    }
  }
  const fields = new Set<string>();
  const records = new Set<object>();
  // What a mutation returns (the record written) or a subscription delivers is read as much as a query's data.
  const root =
    operation?.operation === "mutation"
      ? schema.getMutationType()
      : operation?.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!operation || !root || !data) return { fields: [], records: 0 };

  const walk = (set: SelectionSetNode, type: GraphQLObjectType, objects: object[]) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const on = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        walk(fragment.selectionSet, isObjectType(on) ? on : type, objects);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith("__")) continue;
      const key = selection.alias?.value ?? name;
      const field = type.getFields()[name];
      if (!field) continue;
      const holders = objects.filter((o) => key in o && (o as Record<string, unknown>)[key] !== null);
      const child = getNamedType(field.type);
      // Personal data are values (leaf fields); a relation only leads to them.
      if (holders.length && !isObjectType(child) && policy.rule(type.name, name)?.personal) {
        fields.add(`${type.name}.${name}`);
        for (const o of holders) records.add(o);
      }
      if (selection.selectionSet && isObjectType(child)) {
        const next = holders
          .flatMap((o) => {
            const v = (o as Record<string, unknown>)[key];
            return Array.isArray(v) ? v : [v];
          })
          .filter((v): v is object => v !== null && typeof v === "object");
        if (next.length) walk(selection.selectionSet, child, next);
      }
    }
  };
  walk(operation.selectionSet, root, [data as object]);
  return { fields: [...fields].sort(), records: records.size };
}

export interface AuditInput {
  principal: string;
  department: string;
  region: string;
  operationName: string | null;
  document: string;
  fields: string[];
  recordCount: number;
  householdIds: number[];
  purpose: string | null;
  requestId: string;
}

const GENESIS = "0".repeat(64);
// Serialises appends so each entry hashes the one truly before it (any driver, any process).
const AUDIT_LOCK = 7_340_001;

function entryHash(prevHash: string, e: Omit<typeof auditLog.$inferSelect, "id" | "hash" | "prevHash">): string {
  const canonical = JSON.stringify([
    e.at,
    e.principal,
    e.department,
    e.region,
    e.operationName,
    e.documentHash,
    e.fields,
    e.recordCount,
    e.householdIds,
    e.purpose,
    e.requestId,
  ]);
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

type PendingEntry = Omit<typeof auditLog.$inferSelect, "id" | "hash" | "prevHash">;

/**
 * Appends audit entries with group commit: a request's entry is durable before its response is
 * sent, but the entries of requests that arrive while a write is under way share the next
 * transaction (one lock, one read of the last hash, one multi-row insert), so the audit costs a
 * few statements per batch rather than per request.
 */
export class AuditWriter {
  private queue: { entry: PendingEntry; done: (error?: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly database: Database) {}

  /**
   * Records what one response (a query's data, a mutation's result, a subscription event) carries
   * of personal data, if anything: HTTP and WebSocket share this one path into the audit.
   */
  async recordRead(
    schema: GraphQLSchema,
    ctx: Context,
    read: {
      document: DocumentNode;
      source: string;
      operationName: string | null | undefined;
      data: unknown;
      householdIds: readonly number[];
    },
  ): Promise<void> {
    const policy = ctx.access.policy;
    if (!policy || !read.data) return;
    const personal = personalRead(schema, policy, read.document, read.operationName, read.data);
    if (!personal.fields.length) return;
    const { principal } = ctx.access;
    await this.append({
      principal: principal.id,
      department: principal.department,
      region: principal.region,
      operationName: read.operationName ?? null,
      document: read.source,
      fields: personal.fields,
      recordCount: personal.records,
      householdIds: [...read.householdIds],
      purpose: ctx.purpose,
      requestId: ctx.requestId,
    });
  }

  append(input: AuditInput): Promise<void> {
    const entry: PendingEntry = {
      at: new Date().toISOString(),
      principal: input.principal,
      department: input.department,
      region: input.region,
      operationName: input.operationName,
      documentHash: createHash("sha256").update(input.document).digest("hex"),
      fields: input.fields,
      recordCount: input.recordCount,
      householdIds: [...input.householdIds].sort((a, b) => a - b),
      purpose: input.purpose,
      requestId: input.requestId,
    };
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, done: (error) => (error ? reject(error) : resolve()) });
      // The batch carries other requests' entries: it must not be cancelled with this one's.
      if (!this.writing) void outsideRequests(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, 500);
      try {
        await this.database.db.transaction(async (tx) => {
          await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
          const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
          let prevHash = last?.hash ?? GENESIS;
          const rows = batch.map(({ entry }) => {
            const hash = entryHash(prevHash, entry);
            const row = { ...entry, prevHash, hash };
            prevHash = hash;
            return row;
          });
          await tx.insert(auditLog).values(rows);
        });
        for (const { done } of batch) done();
      } catch (error) {
        for (const { done } of batch) done(error);
      }
    }
    this.writing = false;
  }
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  /** The first entry whose link or content does not match, and why. */
  brokenAt?: { id: number; reason: string };
}

/** Recomputes the chain from the first entry; reads in batches so memory stays flat. */
export async function verifyAuditChain(database: Database, batch = 5000): Promise<ChainReport> {
  let prevHash = GENESIS;
  let lastId = 0;
  let entries = 0;
  for (;;) {
    const rows = await database.db
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, lastId))
      .orderBy(asc(auditLog.id))
      .limit(batch);
    if (!rows.length) return { ok: true, entries };
    for (const row of rows) {
      const at = new Date(row.at).toISOString();
      if (row.prevHash !== prevHash)
        return { ok: false, entries, brokenAt: { id: row.id, reason: "link to the previous entry" } };
      if (entryHash(prevHash, { ...row, at }) !== row.hash) {
        return { ok: false, entries, brokenAt: { id: row.id, reason: "content differs from its hash" } };
      }
      prevHash = row.hash;
      lastId = row.id;
      entries += 1;
    }
  }
}
