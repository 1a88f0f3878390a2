import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { count, desc, min, sql } from "drizzle-orm";
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Context } from "../context.js";
import type { Database, Drizzle } from "../db/client.js";
import { outsideRequests } from "../db/request-scope.js";
import { auditBatchEntries, auditFlushFailures, auditFlushLag } from "../observability/metrics.js";
import { auditLog } from "../db/schema.js";
import { extendChain, GENESIS, type EntryContent } from "./audit-chain.js";
import { CheckpointSchedule } from "./audit-checkpoint.js";
import type { AuditKeys } from "./audit-keys.js";
import type { DepartmentPolicy } from "./compile.js";
import type { DeclaredPurpose } from "./purpose.js";

/**
 * The read audit (design §3): every operation that returns personal data appends one entry —
 * who, when, which operation, which personal fields, how many records, which households, which
 * purpose — chained by an HMAC and anchored by signed checkpoints outside the database, so that a
 * changed or removed entry is detected (audit-chain.ts, audit-checkpoint.ts, audit-verify.ts).
 */

/** Households whose personal data the data layer fetched for the current request. */
export class ReadCollector {
  readonly households = new Set<number>();
}

const current = new AsyncLocalStorage<ReadCollector>();

export function collectReads<T>(collector: ReadCollector, run: () => Promise<T>): Promise<T> {
  return current.run(collector, run);
}

/** The personal row types whose fetched rows name the households an audit entry records. */
const AUDITED_ROW_TYPES: ReadonlySet<string> = new Set(["Member", "HouseholdIncome", "RiskAlert", "MonitoringCase"]);

/** Called by repositories as rows of personal types are fetched. */
export function noteRows(type: string, rows: readonly object[]): void {
  const collector = current.getStore();
  if (!collector || !AUDITED_ROW_TYPES.has(type)) return;
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

  // A field of an interface type (`node`, a change's `node`) is walked as the interface, and each
  // inline fragment as its type over every object: a value of another type lacks the fragment's
  // keys, and one that shares a key is counted too (recorded rather than missed).
  const walk = (set: SelectionSetNode, type: GraphQLObjectType | GraphQLInterfaceType, objects: object[]) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const on = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        walk(fragment.selectionSet, isObjectType(on) || isInterfaceType(on) ? on : type, objects);
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
      if (selection.selectionSet && (isObjectType(child) || isInterfaceType(child))) {
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
  purpose: DeclaredPurpose | null;
  requestId: string;
  correlationId: string | null;
}

// Serialises appends so each entry links to the one truly before it (any driver, any process).
const AUDIT_LOCK = 7_340_001;

/**
 * Appends audit entries with group commit: a request's entry is durable before its response is
 * sent, but the entries of requests that arrive while a write is under way share the next
 * transaction (one lock, one read of the chain's head, one multi-row insert), so the audit costs a
 * few statements per batch rather than per request. The chain is linked with the HMAC key
 * (audit-chain.ts), and signed checkpoints are written outside the database as it grows.
 */
export class AuditWriter {
  private queue: { entry: EntryContent; queued: number; done: (error?: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private checkpoints: CheckpointSchedule | null = null;

  constructor(
    private readonly database: Database,
    private readonly keys: AuditKeys,
    private readonly schedule: { every: number; seconds: number } = { every: 1000, seconds: 60 },
  ) {}

  /** Reads the chain's head and writes a checkpoint of it: the anchor every later one extends. */
  async start(): Promise<void> {
    const { checkpointDir, signingKey } = this.keys;
    if (!checkpointDir || !signingKey) return;
    const [last] = await this.database.db
      .select({ id: auditLog.id, seq: auditLog.seq, hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.id))
      .limit(1);
    const [{ first } = { first: null }] = await this.database.db.select({ first: min(auditLog.seq) }).from(auditLog);
    // Entries from before the chain was keyed are the ones before the first keyed entry.
    const unkeyed = first !== null ? Number(first) - 1 : await countEntries(this.database.db);
    this.checkpoints = new CheckpointSchedule(checkpointDir, signingKey, this.keys.chain.id, unkeyed, this.schedule, {
      entries: last ? (last.seq ?? unkeyed) : 0,
      lastId: last?.id ?? 0,
      head: last?.hash ?? GENESIS,
    });
  }

  /** Writes a last checkpoint of what this writer appended, once pending entries are written. */
  async stop(): Promise<void> {
    await this.flushing;
    this.checkpoints?.close();
  }

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
      correlationId: ctx.correlationId,
    });
  }

  append(input: AuditInput): Promise<void> {
    const entry: EntryContent = {
      at: new Date().toISOString(),
      principal: input.principal,
      department: input.department,
      region: input.region,
      operationName: input.operationName,
      documentHash: createHash("sha256").update(input.document).digest("hex"),
      fields: input.fields,
      recordCount: input.recordCount,
      householdIds: [...input.householdIds].sort((a, b) => a - b),
      purpose: input.purpose?.code ?? null,
      purposeText: input.purpose?.text ?? null,
      requestId: input.requestId,
      correlationId: input.correlationId,
    };
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, queued: performance.now(), done: (error) => (error ? reject(error) : resolve()) });
      // The batch carries other requests' entries: it must not be cancelled with this one's.
      this.flushing ??= outsideRequests(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    // `flushing` is cleared in the same turn as the queue is last seen empty: an entry queued after
    // that starts a new flush, never waits on one that has finished.
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, 500);
        try {
          const appended = await this.database.db.transaction(async (tx) => {
            await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
            const [last] = await tx
              .select({ seq: auditLog.seq, hash: auditLog.hash })
              .from(auditLog)
              .orderBy(desc(auditLog.id))
              .limit(1);
            // After entries from before the chain was keyed, the first keyed one learns its position once.
            const entries = !last ? 0 : (last.seq ?? (await countEntries(tx)));
            const chained = extendChain(
              this.keys.chain,
              { entries, hash: last?.hash ?? GENESIS },
              batch.map((b) => b.entry),
            );
            const ids = await tx.insert(auditLog).values(chained.entries).returning({ id: auditLog.id });
            return { ...chained.head, lastId: ids[ids.length - 1]!.id };
          });
          const committed = performance.now();
          auditBatchEntries.observe(batch.length);
          for (const { done, queued } of batch) {
            auditFlushLag.observe((committed - queued) / 1000);
            done();
          }
          this.checkpoints?.advanced({ entries: appended.entries, lastId: appended.lastId, head: appended.hash });
        } catch (error) {
          auditFlushFailures.inc();
          for (const { done } of batch) done(error);
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}

async function countEntries(db: Pick<Drizzle, "select">): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditLog);
  return Number(row?.n ?? 0);
}
