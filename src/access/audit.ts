import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { count, desc, min, sql, type SQL } from "drizzle-orm";
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
import { abortError, outsideRequests } from "../db/request-scope.js";
import { databaseFailure } from "../db/failures.js";
import { auditBatchEntries, auditFlushFailures, auditFlushLag, auditHeadMoves } from "../observability/metrics.js";
import { databaseCause, forLog } from "../shared/error-masking.js";
import { RecentMap } from "../shared/recent-map.js";
import { AuditUnavailableError } from "../shared/errors.js";
import { log } from "../shared/log.js";
import { uniqueViolation } from "../writes/create.js";
import { auditLog } from "../db/schema.js";
import { extendChain, GENESIS, type ChainedEntry, type ChainHead, type EntryContent } from "./audit-chain.js";
import { CheckpointSchedule, type ChainPosition } from "./audit-checkpoint.js";
import type { AuditKeys } from "./audit-keys.js";
import type { DepartmentPolicy } from "./compile.js";
import type { DeclaredPurpose } from "./purpose.js";

/**
 * The read audit (design §3): every operation that returns personal data appends one entry —
 * who, when, which operation, which personal fields, how many records, which households, which
 * purpose — chained by an HMAC and anchored by signed checkpoints outside the database, so that a
 * changed or removed entry is detected (audit-chain.ts, audit-checkpoint.ts, audit-verify.ts).
 */

/**
 * Households whose personal data the data layer fetched for the current request: rows of the
 * types whose own rows hold personal data (CompiledPolicy.personalRowTypes, derived from the
 * policy), as the repositories note them.
 */
export class ReadCollector {
  readonly households = new Set<number>();
  constructor(readonly personalRowTypes: ReadonlySet<string>) {}

  /**
   * Personal fields and records of answers passed to the client as text (src/plan/passthrough.ts),
   * counted by the statement that built them: the walk over the data cannot see them.
   */
  compiled: PersonalRead | null = null;

  addCompiled(fields: readonly string[], records: number): void {
    const before = this.compiled ?? { fields: [], records: 0 };
    this.compiled = { fields: [...new Set([...before.fields, ...fields])].sort(), records: before.records + records };
  }
}

const current = new AsyncLocalStorage<ReadCollector>();

export function collectReads<T>(collector: ReadCollector, run: () => Promise<T>): Promise<T> {
  return current.run(collector, run);
}

/** Called by repositories as rows are fetched: rows of personal types name the households audited. */
export function noteRows(type: string, rows: readonly object[]): void {
  const collector = current.getStore();
  if (!collector || !collector.personalRowTypes.has(type)) return;
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

// Taken once per write of a batch: by the one-statement append (tried, never waited for) and by the
// locked append (waited for), so that entries link to the one truly before them, across processes.
export const AUDIT_LOCK = 7_340_001;

/** Largest batch one write carries, unless AUDIT_BATCH_MAX says otherwise. */
export const DEFAULT_AUDIT_BATCH_MAX = 500;

export interface AuditWriterOptions {
  /** Signed checkpoints: after this many entries, and this often while entries are added. */
  every: number;
  seconds: number;
  /** Entries written by one statement at most (the rest wait for the next write). */
  batchMax?: number;
  /** A write not done within this is given up: its requests are answered 503 and the next batch is tried. */
  writeTimeoutMs?: number;
}

/**
 * How long one audit write may take. The writer serves every request's entry, so a write that never
 * ends (a statement waiting on a lock, or sent on a connection lost in an outage and never answered)
 * must not hold every later response: it is stopped, and the queue moves on.
 */
export const DEFAULT_AUDIT_WRITE_TIMEOUT_MS = 10_000;

/**
 * Appends audit entries with group commit. A request's entry is queued and the request waits for
 * the write that carries it: its response is sent only once the entry is durable. A write starts at
 * once when none is under way (a lone request waits for nothing else); entries that arrive while one
 * is under way are written together by the next (at most `batchMax` each).
 *
 * A write is one statement in the usual case: the writer remembers the chain's head it last wrote,
 * links the batch after it with the HMAC key (audit-chain.ts), and inserts all of it in one INSERT
 * that takes the audit lock without waiting and checks, in the same statement, that the head is
 * still the last entry. When another process appended in between (or holds the lock), nothing is
 * inserted and the batch is written again in a transaction that waits for the lock and reads the
 * head under it. Either way the chain advances once per batch, under one lock, and `seq`'s
 * uniqueness makes two entries at one position impossible. A batch that fails is not written at
 * all: its requests fail, and the next batch links to the last entry written (no gap).
 */
export class AuditWriter {
  private queue: { entry: EntryContent; queued: number; done: (error?: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private checkpoints: CheckpointSchedule | null = null;
  /** The chain's head as this writer last wrote or read it; null when unknown (start, after a failure). */
  private head: ChainHead | null = null;
  private readonly batchMax: number;

  constructor(
    private readonly database: Database,
    private readonly keys: AuditKeys,
    private readonly schedule: AuditWriterOptions = { every: 1000, seconds: 60 },
  ) {
    this.batchMax = schedule.batchMax ?? DEFAULT_AUDIT_BATCH_MAX;
  }

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
    const entries = last ? (last.seq ?? unkeyed) : 0;
    this.checkpoints = new CheckpointSchedule(checkpointDir, signingKey, this.keys.chain.id, unkeyed, this.schedule, {
      entries,
      lastId: last?.id ?? 0,
      head: last?.hash ?? GENESIS,
    });
    // The first batch is linked after it (and written again under the lock if another process is quicker).
    this.head = { entries, hash: last?.hash ?? GENESIS };
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
      /** What answers passed as text carry (ReadCollector.compiled), beside what the walk of `data` finds. */
      compiled?: PersonalRead | null;
    },
  ): Promise<void> {
    const policy = ctx.access.policy;
    if (!policy || !read.data) return;
    const walked = personalRead(schema, policy, read.document, read.operationName, read.data);
    const personal = read.compiled
      ? {
          fields: [...new Set([...walked.fields, ...read.compiled.fields])].sort(),
          records: walked.records + read.compiled.records,
        }
      : walked;
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

  /**
   * Queues an entry; resolves once it is durable. Rejects when the write that carried it failed:
   * with the database's own failure when it was unreachable or out of time (SERVICE_UNAVAILABLE,
   * DEADLINE_EXCEEDED), otherwise with AuditUnavailableError.
   */
  append(input: AuditInput): Promise<void> {
    const entry: EntryContent = {
      at: new Date().toISOString(),
      principal: input.principal,
      department: input.department,
      region: input.region,
      operationName: input.operationName,
      documentHash: documentHash(input.document),
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
        const batch = this.queue.splice(0, this.batchMax);
        try {
          const appended = await this.bounded(() => this.write(batch.map((b) => b.entry)));
          const committed = performance.now();
          auditBatchEntries.observe(batch.length);
          for (const { done, queued } of batch) {
            auditFlushLag.observe((committed - queued) / 1000);
            done();
          }
          this.checkpoints?.advanced(appended);
        } catch (error) {
          // Whether it was written is unknown if the connection was lost: the head is read again.
          this.head = null;
          auditFlushFailures.inc();
          log("error", "AUDIT ENTRIES NOT WRITTEN: their requests were answered with an error", {
            entries: batch.length,
            error: forLog(String(error)),
            ...databaseCause(error),
          });
          const failure = databaseFailure(error) ? error : new AuditUnavailableError();
          for (const { done } of batch) done(failure);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  /**
   * Runs one write in a scope of its own: stopped when it outlasts `writeTimeoutMs` or when the
   * database is found unreachable (its running statements are then cancelled on the server). A write
   * given up may still commit later: its entries are then in the chain (the audit holds a read that
   * was answered 503, never misses one answered 200), and the next write, finding the head moved,
   * links after them under the lock.
   */
  private async bounded<T>(write: () => Promise<T>): Promise<T> {
    const stop = new AbortController();
    const timer = setTimeout(
      () => stop.abort(new AuditUnavailableError()),
      this.schedule.writeTimeoutMs ?? DEFAULT_AUDIT_WRITE_TIMEOUT_MS,
    );
    // A statement postgres.js never answers (or its own BEGIN, which is not ours to cancel) is left behind.
    const given = new Promise<never>((_, reject) => {
      stop.signal.addEventListener("abort", () => reject(abortError(stop.signal)), { once: true });
    });
    try {
      return await Promise.race([this.database.scope(stop, write), given]);
    } finally {
      clearTimeout(timer);
      given.catch(() => {});
    }
  }

  /** Appends one batch after the chain's head; returns the chain's position after it. */
  private async write(contents: readonly EntryContent[]): Promise<ChainPosition> {
    const known = this.head;
    if (known) {
      const chained = extendChain(this.keys.chain, known, contents);
      try {
        // Its text is the same for every batch: prepared once per connection, then only bound and run.
        const ids = await appendAfter((query) => this.database.preparedRows(query), known.hash, chained.entries);
        if (ids.length) return this.wrote(chained.head, ids);
      } catch (error) {
        // A process that appended after this statement began: its entry holds the position. Locked, below.
        if (!uniqueViolation(error)) throw error;
      }
      auditHeadMoves.inc();
    }
    return this.database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
      const head = await readHead(tx);
      const chained = extendChain(this.keys.chain, head, contents);
      const ids = await appendAfter((query) => tx.execute(query), head.hash, chained.entries);
      // Under the lock nobody else appends: the head just read is still the last entry.
      if (!ids.length) throw new Error("the audit chain's head moved while the audit lock was held");
      return this.wrote(chained.head, ids);
    });
  }

  private wrote(head: ChainHead, ids: number[]): ChainPosition {
    this.head = head;
    return { entries: head.entries, lastId: Math.max(...ids), head: head.hash };
  }
}

/** The chain's head: the last entry's position and link (the genesis link for an empty chain). */
async function readHead(db: Pick<Drizzle, "select">): Promise<ChainHead> {
  const [last] = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(1);
  if (!last) return { entries: 0, hash: GENESIS };
  // After entries from before the chain was keyed, the first keyed one learns its position once.
  return { entries: last.seq ?? (await countEntries(db)), hash: last.hash };
}

/**
 * One statement: inserts the chained entries, in order, if the audit lock is free (taken until the
 * statement commits) and the last entry's link is still `after`; otherwise inserts nothing. Returns
 * the ids written. The entries travel as one JSON parameter, so the text is the same for any batch.
 */
async function appendAfter(run: (query: SQL) => Promise<unknown>, after: string, entries: readonly ChainedEntry[]) {
  const rows = JSON.stringify(
    entries.map((e) => ({
      at: e.at,
      principal: e.principal,
      department: e.department,
      region: e.region,
      operation_name: e.operationName,
      document_hash: e.documentHash,
      fields: e.fields,
      record_count: e.recordCount,
      household_ids: e.householdIds,
      purpose: e.purpose,
      purpose_text: e.purposeText,
      request_id: e.requestId,
      correlation_id: e.correlationId,
      seq: e.seq,
      key_id: e.keyId,
      prev_hash: e.prevHash,
      hash: e.hash,
    })),
  );
  const result = await run(sql`
    WITH head AS MATERIALIZED (
      SELECT pg_try_advisory_xact_lock(${AUDIT_LOCK}) AS free,
             coalesce((SELECT hash FROM "audit_log" ORDER BY id DESC LIMIT 1), ${GENESIS}) AS hash
    )
    INSERT INTO "audit_log" (at, principal, department, region, operation_name, document_hash, fields,
                             record_count, household_ids, purpose, purpose_text, request_id, correlation_id,
                             seq, key_id, prev_hash, hash)
    SELECT e.at, e.principal, e.department, e.region, e.operation_name, e.document_hash, e.fields,
           e.record_count, e.household_ids, e.purpose, e.purpose_text, e.request_id, e.correlation_id,
           e.seq, e.key_id, e.prev_hash, e.hash
    FROM head, jsonb_to_recordset(${rows}::jsonb) AS e(
      at timestamptz, principal text, department text, region text, operation_name text, document_hash text,
      fields text[], record_count integer, household_ids integer[], purpose text, purpose_text text,
      request_id text, correlation_id text, seq bigint, key_id text, prev_hash text, hash text)
    WHERE head.free AND head.hash = ${after}
    ORDER BY e.seq
    RETURNING id`);
  const written = Array.isArray(result) ? result : (result as unknown as { rows: { id: unknown }[] }).rows;
  return (written as { id: unknown }[]).map((r) => Number(r.id));
}

/**
 * The SHA-256 of a request's text, as its entry records it. A client sends the same few documents
 * again and again: the hashes of recent short ones are kept rather than computed per request.
 */
function documentHash(document: string): string {
  const hash = () => createHash("sha256").update(document).digest("hex");
  return document.length <= HASHED_DOCUMENT_MAX ? documentHashes.remember(document, hash) : hash();
}

const documentHashes = new RecentMap<string, string>(256);
const HASHED_DOCUMENT_MAX = 8192;

async function countEntries(db: Pick<Drizzle, "select">): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditLog);
  return Number(row?.n ?? 0);
}
