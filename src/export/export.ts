import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HeaderMap } from "@apollo/server";
import {
  GraphQLError,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import type { Access } from "../access/access.js";
import type { AuditWriter } from "../access/audit.js";
import { ForbiddenError } from "../shared/errors.js";
import { parsePurpose, purposeErrors, type PurposeNeed } from "../access/purpose.js";
import type { Config } from "../config.js";
import { createContext, type Context } from "../context.js";
import type { Database, Drizzle } from "../db/client.js";
import type { DocumentRunner } from "../executor.js";
import { BodyTooLarge, readBody } from "../http/body.js";
import type { Admitted, Pipeline } from "../operation/pipeline.js";
import { tokenLimitError } from "../operation/limits.js";
import { enforceSafelist } from "../operations/safelist.js";
import { databaseCause, forLog, publicError } from "../shared/error-masking.js";
import { log } from "../shared/log.js";
import { currentPosition } from "../modules/changes/index.js";
import { ExportTally } from "./export-audit.js";
import { streamCopy } from "./export-copy.js";
import { BulkCursor, FETCH_ROWS } from "./export-cursor.js";
import { bulkRows, type BulkRows } from "./export-rows.js";
import { ExportError } from "./export.errors.js";
import { EXPORT_RETRY_AFTER_SECONDS, ExportSlots, type ExportSlot } from "./export-slots.js";
import { exportShape, type ExportShape } from "./export-operation.js";
import { ClientGone, csvRecord, ExportOutput, UTF8_BOM } from "./export-output.js";
import { decodeToken, encodeToken, exportFingerprint, type ResumeToken } from "./resume-token.js";
import { Snapshots, snapshotGone, type SnapshotWork } from "./snapshot.js";

/**
 * POST /export: one connection's nodes, every page of them, streamed from one snapshot through the
 * operation pipeline (operation/pipeline.ts) — the same limits, contract validation, policy guard,
 * masks, scope and `rows:` rules as a query's page, because each page *is* that query run by the
 * server with its own `first`/`after`. See README "Bulk export" for the stream's lines.
 */
export interface ExportDeps {
  config: Config;
  database: Database;
  schema: GraphQLSchema;
  pipeline: Pipeline;
  /** The gateway's document runner: pages execute exactly as queries do (compiled or not). */
  runner: DocumentRunner;
  audit: AuditWriter;
  /** Authenticates and rate-limits the request: its access, or the response that refuses it. */
  identify(headers: HeaderMap, address: string | undefined): Promise<Identified | Refusal>;
}

export interface Identified {
  ok: true;
  access: Access;
  requestId: string;
  correlationId: string | null;
  /** X-Request-Id (and X-Correlation-Id) to answer with. */
  ids: HeaderMap;
}

export interface Refusal {
  ok: false;
  status: number;
  headers: HeaderMap;
  body: string;
}

export interface Exporter {
  handle(req: IncomingMessage, res: ServerResponse, headers: HeaderMap, address: string | undefined): void;
  stop(): void;
}

type Format = "jsonl" | "csv";

interface Parameters {
  format: Format;
  gzip: boolean;
  resume: string | null;
  fresh: boolean;
}

interface Page {
  totalCount?: number | null;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Record<string, unknown>[];
}

/** A page's execution answered errors: before streaming they are the response, after it the last line. */
class PageFailed extends Error {
  constructor(readonly errors: readonly GraphQLError[]) {
    super(errors[0]?.message ?? "export page failed");
  }
}

type Outcome =
  | { kind: "complete"; out: ExportOutput; rows: number; token: string }
  | { kind: "interrupted"; rows: number }
  | { kind: "failed"; out: ExportOutput; rows: number; token: string; error: unknown };

/** Characters of rows written at once (at most 64 KB of two-byte text: young-generation strings). */
const CHUNK_CHARS = 32 * 1024;

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  OPERATION_NOT_REGISTERED: 403,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export function createExporter(deps: ExportDeps): Exporter {
  const { config, database, schema, pipeline, runner, audit } = deps;
  const snapshots = new Snapshots(database, config.EXPORT_SNAPSHOT_HOLD_SECONDS, config.EXPORT_SNAPSHOTS_HELD);
  const stopping = new AbortController();
  const pageSize = Math.min(config.EXPORT_PAGE_SIZE, config.MAX_PAGE_SIZE);
  const slots = new ExportSlots(config.EXPORT_MAX_CONCURRENT, config.EXPORT_MAX_PER_PRINCIPAL);

  async function serve(req: IncomingMessage, res: ServerResponse, headers: HeaderMap, address: string | undefined) {
    if (req.method !== "POST") {
      return answer(res, 405, [
        { message: "POST an operation to /export.", extensions: { code: "METHOD_NOT_ALLOWED" } },
      ]);
    }
    const raw = await readBody(req, config.MAX_BODY_BYTES);
    const who = await deps.identify(headers, address);
    if (!who.ok) {
      res.writeHead(who.status, Object.fromEntries(who.headers)).end(who.body);
      return;
    }
    const ids = Object.fromEntries(who.ids);
    let slot: ExportSlot;
    try {
      slot = slots.take(who.access.principal.id);
    } catch (error) {
      const busy = error as ExportError;
      log("warn", "export refused", { requestId: who.requestId, ...busy.extensions });
      answer(res, busy.status, [publicError(busy.toJSON(), busy, who.requestId)], {
        ...ids,
        "retry-after": String(EXPORT_RETRY_AFTER_SECONDS),
      });
      return;
    }
    try {
      await exportFor(who, raw, new URL(req.url ?? "/", "http://localhost").searchParams, headers, res, ids);
    } catch (error) {
      if (res.headersSent) {
        log("error", "export failed after it began", { requestId: who.requestId, error: forLog(String(error)) });
        res.destroy();
        return;
      }
      const errors =
        error instanceof PageFailed ? error.errors : [error instanceof GraphQLError ? error : unexpected(error)];
      const formatted = errors.map((e) => publicError(e.toJSON(), e, who.requestId));
      const code = String(formatted[0]?.extensions?.code ?? "");
      const status = error instanceof ExportError ? error.status : (STATUS[code] ?? 400);
      if (status === 500)
        log("error", "export failed", {
          requestId: who.requestId,
          error: forLog(String(error)),
          ...databaseCause(error),
        });
      answer(res, status, formatted, ids);
    } finally {
      slot.release();
    }
  }

  async function exportFor(
    who: Identified,
    raw: string,
    search: URLSearchParams,
    headers: HeaderMap,
    res: ServerResponse,
    ids: Record<string, string>,
  ) {
    const params = parameters(search, headers);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ExportError(
        "EXPORT_OPERATION_INVALID",
        'The body is not JSON: send {"query": …, "variables": …}.',
        400,
      );
    }
    // A key bound to its registered operations exports only those (OPERATION_NOT_REGISTERED, 403).
    ({ body } = await enforceSafelist(database.db, who.access.principal, { method: "POST", body, search: "" }));
    const { query, variables, operationName } = bodyParts(body);
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: config.MAX_TOKENS });
    } catch (error) {
      const limit = tokenLimitError(error as Error, query, config.MAX_TOKENS);
      throw limit ?? new GraphQLError((error as Error).message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } });
    }
    const { principal } = who.access;
    const shape = exportShape(document, operationName, pipeline.validationSchema(principal.department));
    if (params.format === "csv" && !shape.columns) {
      throw new ExportError(
        "EXPORT_CSV_NESTED",
        "CSV takes a flat selection (fields of the node only): export nested objects as JSON Lines.",
        400,
      );
    }
    const context = createContext(config, database, who.access, who.requestId, {
      purpose: parsePurpose(headers.get("x-purpose")),
      correlationId: who.correlationId,
    });
    const needs = exportPurposeNeeds(schema, shape.document, context);
    if (needs.length && !context.purpose) {
      const fields = needs.flatMap((n) => n.fields).join(", ");
      const codes = [...new Set(needs.flatMap((n) => n.purposes))].join(", ");
      throw new ForbiddenError(
        `Exporting ${fields} requires a declared purpose: send the header X-Purpose: CODE (or CODE: text), CODE one of ${codes}. It is recorded in the audit log.`,
      );
    }
    if (needs.length) {
      const refused = purposeErrors(context.purpose, needs, context.access.policy!.purposes);
      if (refused.length) throw refused[0]!;
    }
    const fingerprint = exportFingerprint(principal.id, query, shape.operationName, variables);
    const token = params.resume ? decodeToken(params.resume, fingerprint) : null;
    if (token && token.s === null && !params.fresh) throw snapshotGone();
    const cacheKey = `export\u0000${createHash("sha256").update(query).digest("base64url")}`;
    const v = shape.variables;
    const admission = await pipeline.admit({
      document: shape.document,
      source: query,
      operationName: shape.operationName,
      variables: { ...variables, [v.first]: pageSize, [v.after]: token?.a ?? null, [v.count]: true },
      context,
      cacheKey,
    });
    if (!admission.ok) throw new PageFailed(admission.errors);
    const tally = new ExportTally(schema, context);
    const run = { who, shape, params, context, admission, tally, token, fingerprint, cacheKey, query, res, ids };
    const outcome = await database.scope(stopping.signal, (signal) =>
      snapshots.run(params.fresh ? null : (token?.s ?? null), (tx, snapshot) => stream(run, tx, snapshot, signal)),
    );
    await finish(run, outcome);
  }

  type Run = {
    who: Identified;
    shape: ExportShape;
    params: Parameters;
    context: Context;
    admission: Admitted;
    tally: ExportTally;
    token: ResumeToken | null;
    fingerprint: string;
    cacheKey: string;
    query: string;
    res: ServerResponse;
    ids: Record<string, string>;
  };

  /** The pages, read in the snapshot's transaction and written as the client takes them. */
  async function stream(
    r: Run,
    tx: Drizzle,
    snapshot: string | null,
    signal: AbortSignal,
  ): Promise<SnapshotWork<Outcome>> {
    const { shape, params, admission } = r;
    const v = shape.variables;
    let after = r.token?.a ?? null;
    let rows = r.token?.n ?? 0;
    const tokenNow = () => encodeToken({ v: 1, s: snapshot, a: after, n: rows, h: r.fingerprint });

    const readPage = async (count: boolean): Promise<Page> => {
      const variables = { ...admission.variables, [v.after]: after, [v.count]: count };
      // Each page gets fresh loaders (nothing cached across pages) and reads in the snapshot.
      const context: Context = { ...r.context, db: tx, loaders: new Map() };
      const result = await pipeline.run(
        {
          document: admission.document,
          source: r.query,
          operationName: admission.operationName,
          variables,
          context,
          cacheKey: r.cacheKey,
        },
        { ...admission, variables },
        (document, key) => runner(document, key, admission.operationName, variables, context),
        r.tally.record,
      );
      if (result.errors?.length) throw new PageFailed(result.errors);
      return (result.data as Record<string, Page>)[shape.rootKey]!;
    };

    // The first page before anything is sent: its errors are the response, with their status.
    let page = await readPage(true);
    // The change feed's position at this snapshot, read in it: following the feed from there misses
    // nothing the export did not hold (changes of transactions the snapshot saw may come again).
    const position = await currentPosition(tx);
    const out = new ExportOutput(r.res, params.gzip, config.EXPORT_STALL_SECONDS * 1000);
    r.res.writeHead(200, {
      ...r.ids,
      "content-type": params.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
      ...(params.gzip ? { "content-encoding": "gzip", vary: "accept-encoding" } : {}),
      ...(page.totalCount != null ? { "x-export-total": String(page.totalCount) } : {}),
      ...(snapshot ? { "x-export-snapshot": snapshot } : {}),
      "x-export-position": position,
      "x-export-resume": tokenNow(),
    });
    const jsonl = params.format === "jsonl";
    const columns = shape.columns ?? [];
    try {
      if (jsonl) {
        const header = {
          "@export": "header",
          version: 1,
          operation: shape.operationName,
          node: shape.nodeType,
          format: params.format,
          total: page.totalCount ?? null,
          snapshot,
          position,
          resumed: r.token !== null,
          fresh: params.fresh,
          rowsBefore: rows,
          pageSize,
          fields: shape.fields,
          resume: tokenNow(),
          resumeToken:
            "opaque; each page line and the end line carry one: POST the same body to /export?resume=<token> to continue after that line's last row",
        };
        await out.write(`${JSON.stringify(header)}\n`, true);
      } else await out.write(UTF8_BOM + csvRecord(columns), true);
      const pageLine = () => (jsonl ? `${JSON.stringify({ "@export": "page", rows, resume: tokenNow() })}\n` : "");
      let bulk: BulkRows | null = null;
      for (let first = true; ; first = false) {
        const text = jsonl
          ? page.nodes.map((n) => `${JSON.stringify(n)}\n`).join("")
          : page.nodes.map((n) => csvRecord(columns.map((c) => n[c]))).join("");
        if (page.nodes.length) {
          rows += page.nodes.length;
          after = page.pageInfo.endCursor ?? after;
        }
        if (!page.pageInfo.hasNextPage) {
          await out.write(text);
          return { value: { kind: "complete", out, rows, token: tokenNow() }, keep: false };
        }
        await out.write(text + pageLine(), true);
        // The first page answered as a query's (its errors, its count); the rest, when the
        // compiled read path can build its rows, as JSON text from one statement (COPY or a cursor).
        if (first) bulk = bulkRows(r.context, schema, admission.document, admission.variables, after);
        if (bulk) break;
        page = await readPage(false);
      }
      if (snapshot && database.copyOut) {
        // PostgreSQL: the same statement as a COPY in the same snapshot, its bytes passed through.
        await streamCopy({
          // Bounded on its stalls as each statement of a page is (copy-out.ts): the COPY itself
          // lasts as long as the client reads.
          copy: await database.copyOut(bulk.query, snapshot, config.DATABASE_STATEMENT_TIMEOUT_MS),
          bulk,
          out,
          columns: jsonl ? null : columns,
          pageSize,
          tally: r.tally,
          signal,
          delivered: (count, cursor) => {
            rows += count;
            after = cursor ?? after;
          },
          pageLine,
        });
        return { value: { kind: "complete", out, rows, token: tokenNow() }, keep: false };
      }
      const cursor = new BulkCursor(tx, bulk.query, FETCH_ROWS);
      let inPage = 0;
      let last: string | null = null;
      let pieces: string[] = [];
      let size = 0;
      // Rows leave in chunks far below V8's large-object size: a page's text joined into one
      // string would go straight to the old generation, and pile up there until a full GC.
      const flush = (boundary = false) => {
        const text = pieces.join("");
        pieces = [];
        size = 0;
        return out.write(text, boundary);
      };
      let personal = false;
      try {
        for (let batch = await cursor.next(); batch.length; batch = await cursor.next()) {
          for (const row of batch) {
            if (inPage === pageSize) {
              // A full page with more rows after it: its page line, then it leaves.
              rows += inPage;
              after = bulk.cursorOf(last!);
              inPage = 0;
              pieces.push(pageLine());
              await flush(true);
            }
            const text = jsonl ? `${row.j}\n` : csvRecord(columnsOf(row.j, columns));
            pieces.push(text);
            size += text.length;
            if (size >= CHUNK_CHARS) await flush();
            r.tally.addRow(row.h, row.n);
            personal ||= row.n > 0;
            last = row.k;
            inPage++;
          }
        }
      } finally {
        if (personal) r.tally.addFields(bulk.personalFields);
        await cursor.close();
      }
      rows += inPage;
      if (last !== null) after = bulk.cursorOf(last);
      await flush();
      return { value: { kind: "complete", out, rows, token: tokenNow() }, keep: false };
    } catch (error) {
      if (error instanceof ClientGone) return { value: { kind: "interrupted", rows }, keep: true };
      if (error instanceof ExportError && error.extensions.code === "EXPORT_STALLED") out.destroy();
      return { value: { kind: "failed", out, rows, token: tokenNow(), error }, keep: false };
    }
  }

  /** The audit entry (after the snapshot's transaction: PGlite's is exclusive), then the last line. */
  async function finish(r: Run, outcome: Outcome) {
    let failure = outcome.kind === "failed" ? outcome.error : null;
    try {
      await r.tally.append(audit, r.shape.operationName, r.query);
    } catch (error) {
      log("error", "an export's audit entry could not be written", {
        requestId: r.who.requestId,
        error: forLog(String(error)),
      });
      failure ??= error;
    }
    log("info", "export", {
      requestId: r.who.requestId,
      outcome: failure ? "failed" : outcome.kind,
      rows: outcome.rows,
    });
    // The socket is gone; ending the response still lets the server account for it as finished.
    if (outcome.kind === "interrupted") return void r.res.end();
    const out = outcome.out;
    if (r.params.format === "csv") {
      // CSV has no line to say it: the transfer is cut, so the client sees it incomplete.
      if (failure) return out.destroy();
      return out.end();
    }
    if (!failure)
      return out.end(`${JSON.stringify({ "@export": "end", rows: outcome.rows, resume: outcome.token })}\n`);
    const error =
      failure instanceof PageFailed
        ? failure.errors[0]!
        : failure instanceof GraphQLError
          ? failure
          : unexpected(failure);
    const formatted: GraphQLFormattedError = publicError(error.toJSON(), error, r.who.requestId);
    if (formatted.extensions?.code === "INTERNAL_SERVER_ERROR") {
      log("error", "export failed mid-stream", {
        requestId: r.who.requestId,
        error: forLog(String(failure)),
        ...databaseCause(failure),
      });
    }
    // The token of the last page line the client received: resuming with it repeats nothing.
    const lastGood = outcome.kind === "failed" ? outcome.token : undefined;
    return out.end(
      `${JSON.stringify({ "@export": "error", rows: outcome.rows, resume: lastGood, error: { message: formatted.message, extensions: formatted.extensions } })}\n`,
    );
  }

  return {
    handle(req, res, headers, address) {
      serve(req, res, headers, address).catch((error: unknown) => {
        const status = error instanceof BodyTooLarge ? 413 : 500;
        if (status === 500) log("error", "export handler failed", { error: forLog(String(error)) });
        if (res.headersSent) return void res.destroy();
        answer(res, status, [
          {
            message: status === 413 ? (error as Error).message : "Internal server error.",
            extensions: { code: status === 413 ? "PAYLOAD_TOO_LARGE" : "INTERNAL_SERVER_ERROR" },
          },
        ]);
      });
    },
    stop() {
      stopping.abort(new Error("The server is stopping."));
      snapshots.releaseAll();
    },
  };
}

function answer(
  res: ServerResponse,
  status: number,
  errors: readonly GraphQLFormattedError[],
  ids: Record<string, string> = {},
) {
  res.writeHead(status, { ...ids, "content-type": "application/json; charset=utf-8" }).end(JSON.stringify({ errors }));
}

function unexpected(error: unknown): GraphQLError {
  return new GraphQLError("Internal server error.", {
    originalError: error instanceof Error ? error : new Error(String(error)),
  });
}

function parameters(search: URLSearchParams, headers: HeaderMap): Parameters {
  const bad = (message: string) => new ExportError("EXPORT_PARAMETER_INVALID", message, 400);
  const format = search.get("format") ?? "jsonl";
  if (format !== "jsonl" && format !== "csv") throw bad("format is jsonl (the default) or csv.");
  const flag = (name: string): boolean | null => {
    const value = search.get(name);
    if (value === null) return null;
    if (value !== "true" && value !== "false") throw bad(`${name} is true or false.`);
    return value === "true";
  };
  const accepts = /\bgzip\b/i.test(headers.get("accept-encoding") ?? "");
  return { format, gzip: flag("gzip") ?? accepts, resume: search.get("resume"), fresh: flag("fresh") ?? false };
}

/** A flat row's values in the CSV's column order. */
function columnsOf(json: string, columns: readonly string[]): unknown[] {
  const row = JSON.parse(json) as Record<string, unknown>;
  return columns.map((c) => row[c]);
}

function bodyParts(body: unknown): { query: string; variables: Record<string, unknown>; operationName: string | null } {
  const b = (body && typeof body === "object" && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (typeof b.query !== "string") {
    throw new ExportError("EXPORT_OPERATION_INVALID", 'Send the operation as {"query": "…", "variables": {…}}.', 400);
  }
  const variables = b.variables ?? {};
  if (typeof variables !== "object" || variables === null || Array.isArray(variables)) {
    throw new ExportError("EXPORT_OPERATION_INVALID", "`variables` is an object.", 400);
  }
  const operationName = typeof b.operationName === "string" ? b.operationName : null;
  return { query: b.query, variables: variables as Record<string, unknown>, operationName };
}

/**
 * Groups marked `exportPurposeRequired` whose fields the export selects (and the department may
 * read): each needs a declared purpose, one of the group's own codes, or any of the policy's.
 */
function exportPurposeNeeds(schema: GraphQLSchema, document: DocumentNode, context: Context): PurposeNeed[] {
  const policy = context.access.policy;
  if (!policy) return [];
  const typeInfo = new TypeInfo(schema);
  const needed = new Map<string, { fields: Set<string>; purposes: readonly string[] }>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent) return;
        const rule = policy.rule(parent.name, node.name.value);
        if (!rule?.exportPurposeRequired || policy.level(parent.name, node.name.value) === "none") return;
        const purposes = rule.purposes.length ? rule.purposes : [...policy.purposes.keys()];
        if (!needed.has(rule.group)) needed.set(rule.group, { fields: new Set(), purposes });
        needed.get(rule.group)!.fields.add(`${parent.name}.${node.name.value}`);
      },
    }),
  );
  return [...needed.values()].map(({ fields, purposes }) => ({ fields: [...fields], purposes }));
}
