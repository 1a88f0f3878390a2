import type { GraphQLSchema } from "graphql";
import { personalRead, type AuditWriter } from "../access/audit.js";
import type { Context } from "../context.js";
import type { ReadRecord } from "../operation/pipeline.js";

/**
 * What an export has read, page after page, for its one audit entry: the personal fields, the
 * records that carried them and the households they belong to. Households are kept as a bitset of
 * their ids (a few dozen kilobytes for a city), not as a list that grows with every page.
 */
export class ExportTally {
  readonly fields = new Set<string>();
  records = 0;
  private households = new Uint32Array(1024);

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly context: Context,
  ) {}

  /** The pipeline's recorder (operation/pipeline.ts `run`): called once per page instead of an entry per page. */
  readonly record = async (read: ReadRecord): Promise<void> => {
    const policy = this.context.access.policy;
    if (!policy || !read.data) return;
    const personal = personalRead(this.schema, policy, read.document, read.operationName, read.data);
    for (const f of personal.fields) this.fields.add(f);
    this.records += personal.records;
    for (const id of read.householdIds) this.addHousehold(id);
  };

  /** A row streamed as JSON text (export-rows.ts): the household its read names, its personal records. */
  addRow(household: number | null, records: number): void {
    this.records += records;
    if (household !== null) this.addHousehold(household);
  }

  /** Personal fields the streamed rows held. */
  addFields(fields: readonly string[]): void {
    for (const f of fields) this.fields.add(f);
  }

  /** Appends the export's one entry: `export:` before its operation's name says what it was. */
  append(audit: AuditWriter, operationName: string | null, source: string): Promise<void> {
    const { principal } = this.context.access;
    return audit.append({
      principal: principal.id,
      department: principal.department,
      region: principal.region,
      operationName: `export:${operationName ?? ""}`,
      document: source,
      fields: [...this.fields].sort(),
      recordCount: this.records,
      householdIds: this.householdIds(),
      purpose: this.context.purpose,
      requestId: this.context.requestId,
      correlationId: this.context.correlationId,
    });
  }

  private addHousehold(id: number) {
    if (!Number.isInteger(id) || id < 0) return;
    const word = id >>> 5;
    if (word >= this.households.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.households.length * 2));
      grown.set(this.households);
      this.households = grown;
    }
    this.households[word]! |= 1 << (id & 31);
  }

  private householdIds(): number[] {
    const ids: number[] = [];
    this.households.forEach((bits, word) => {
      for (let b = 0; bits && b < 32; b++) if (bits & (1 << b)) ids.push(word * 32 + b);
    });
    return ids;
  }
}
