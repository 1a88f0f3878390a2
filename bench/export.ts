import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import postgres from "postgres";

/**
 * BENCH_SUITE=export: POST /export on the city tier, beside PostgreSQL's own `COPY` of the same
 * selection in the same run. An export writes one audit entry, so it runs on a copy of the bench
 * database (BENCH_EXPORT_DATABASE_URL, default …/xg_bench_export: `createdb -T xg_bench xg_bench_export`).
 *
 *   throughput  all households with their members (the integrator example's fields), JSON Lines,
 *               rows/s ÷ rows/s of `COPY (SELECT json of the same selection) TO STDOUT`;
 *   memory      the server's peak RSS (VmHWM) exporting all members vs reading 10,000 of them (the
 *               client hangs up at its 10,000th row), each in a fresh server process.
 */
interface Deps {
  url: string;
  startServer: (
    port: number,
    execution: string,
    access?: string,
    env?: Record<string, string>,
    databaseUrl?: string,
  ) => Promise<ChildProcess>;
  registry: Record<string, string>;
}

/** BENCH_EXPORT_PORT: another port when several runs share a machine. */
const PORT = Number(process.env.BENCH_EXPORT_PORT ?? 4150);

const HOUSEHOLDS = `query IntegratorHouseholds {
  households {
    nodes {
      id householdNumber villageCode status attribute primaryCause otherCauses identifiedYear exitedYear housingGrade monitoringType
      members { id name idNumber gender birthDate relation educationLevel schoolingStatus healthStatus hasBasicMedicalInsurance }
    }
  }
}`;

const MEMBERS = `query AllMembers { members { nodes { id householdId name gender birthDate relation schoolingStatus } } }`;

/** The same selection as HOUSEHOLDS, built by PostgreSQL itself (ids as the API's global ids). */
const COPY_HOUSEHOLDS = `COPY (
  SELECT json_build_object(
    'id', encode(convert_to('Household:' || h.id, 'UTF8'), 'base64'),
    'householdNumber', h.household_number, 'villageCode', h.village_code, 'status', h.status,
    'attribute', h.attribute, 'primaryCause', h.primary_cause, 'otherCauses', h.other_causes,
    'identifiedYear', h.identified_year, 'exitedYear', h.exited_year, 'housingGrade', h.housing_grade,
    'monitoringType', h.monitoring_type,
    'members', coalesce((SELECT json_agg(json_build_object(
        'id', encode(convert_to('Member:' || m.id, 'UTF8'), 'base64'), 'name', m.name, 'idNumber', m.id_number,
        'gender', m.gender, 'birthDate', m.birth_date, 'relation', m.relation, 'educationLevel', m.education_level,
        'schoolingStatus', m.schooling_status, 'healthStatus', m.health_status,
        'hasBasicMedicalInsurance', m.has_basic_medical_insurance) ORDER BY m.id)
      FROM members m WHERE m.household_id = h.id), '[]'::json))
  FROM households h ORDER BY h.id
) TO STDOUT`;

const CONTROL = Buffer.from('{"@export"');

/**
 * Counts the rows of an export's stream as copyRows counts COPY's: newlines in the bytes, never
 * decoded. A control line is the only place `{"@export"` occurs (a row's strings escape their
 * quotes, and no field is named `@export`): each found is one line less of rows, and only it is
 * decoded, to tell the end or an error.
 */
export class LineCounter {
  lines = 0;
  controls = 0;
  end = false;
  error: string | null = null;
  /** The previous chunk's last bytes: a mark split between two chunks is found in them and the next. */
  private tail = Buffer.alloc(0);
  /** A control line begun in an earlier chunk, until its newline. */
  private control: Buffer[] | null = null;

  get rows(): number {
    return this.lines - this.controls;
  }

  push(chunk: Buffer): void {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.lines++;
    // The tail is shorter than the mark: a mark found in data starts in this chunk or in the seam.
    const data = Buffer.concat([this.tail, chunk]);
    let from = 0;
    if (this.control) {
      const nl = data.indexOf(10, this.tail.length);
      this.control.push(data.subarray(this.tail.length, nl < 0 ? data.length : nl));
      from = nl < 0 ? data.length : nl + 1;
      if (nl >= 0) this.controlLine(Buffer.concat(this.control));
    }
    for (let at = data.indexOf(CONTROL, from); at >= 0; at = data.indexOf(CONTROL, at + 1)) {
      this.controls++;
      const nl = data.indexOf(10, at);
      if (nl < 0) {
        this.control = [data.subarray(at)];
        break;
      }
      this.controlLine(data.subarray(at, nl));
      at = nl;
    }
    this.tail = Buffer.from(data.subarray(Math.max(0, data.length - (CONTROL.length - 1))));
  }

  private controlLine(line: Buffer): void {
    this.control = null;
    const text = line.toString("utf8");
    if (text.startsWith('{"@export":"end"')) this.end = true;
    else if (text.startsWith('{"@export":"error"')) this.error = text;
  }
}

/** Streams an export, counting its rows; `stopAt` hangs up after that many. */
function exportRows(
  headers: Record<string, string>,
  query: string,
  stopAt = Infinity,
): Promise<{ rows: number; bytes: number; seconds: number; end: boolean }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `http://127.0.0.1:${PORT}/export`,
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        if (res.statusCode !== 200) {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => reject(new Error(`export answered ${res.statusCode}: ${text.slice(0, 300)}`)));
          return;
        }
        const counter = new LineCounter();
        let bytes = 0;
        const done = () =>
          resolve({ rows: counter.rows, bytes, seconds: (performance.now() - started) / 1000, end: counter.end });
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          counter.push(chunk);
          if (counter.error) reject(new Error(counter.error));
          if (counter.rows >= stopAt) {
            req.destroy();
            done();
          }
        });
        res.on("end", done);
      },
    );
    req.on("error", (error) => (stopAt === Infinity ? reject(error) : undefined));
    req.end(JSON.stringify({ query }));
  });
}

async function copyRows(url: string): Promise<{ rows: number; bytes: number; seconds: number }> {
  // A dedicated connection, ended afterwards: postgres.js can hang a pooled one after COPY (stack-notes).
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const started = performance.now();
  let rows = 0;
  let bytes = 0;
  try {
    const stream = await sql.unsafe(COPY_HOUSEHOLDS).readable();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) rows++;
    }
  } finally {
    await sql.end();
  }
  return { rows, bytes, seconds: (performance.now() - started) / 1000 };
}

/** The process's peak resident set (VmHWM), MB. */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export async function exportSuite(deps: Deps): Promise<void> {
  const url = process.env.BENCH_EXPORT_DATABASE_URL ?? deps.url.replace(/\/[^/]*$/, "/xg_bench_export");
  // A hung-up export keeps no snapshot here: the memory runs measure one export each.
  const env = { EXPORT_SNAPSHOT_HOLD_SECONDS: "0", LOG_LEVEL: "error" };
  const figures: string[] = [];
  const note = (...lines: string[]) => {
    figures.push(...lines);
    for (const line of lines) console.log(line);
  };

  let server = await deps.startServer(PORT, "jit", "document", env, url);
  try {
    // Each side twice, interleaved, and its best: on a shared machine one run of either can be
    // slowed by others' work, and the best of two against one run would favour the side run twice.
    const copy = await copyRows(url);
    const first = await exportRows(deps.registry, HOUSEHOLDS);
    const copyAgain = await copyRows(url);
    const second = await exportRows(deps.registry, HOUSEHOLDS);
    const copyRate = Math.max(copy.rows / copy.seconds, copyAgain.rows / copyAgain.seconds);
    const exported = first.seconds <= second.seconds ? first : second;
    const exportRate = exported.rows / exported.seconds;
    note(
      `| households with members, COPY json (best of 2) | ${copy.rows} | ${Math.min(copy.seconds, copyAgain.seconds).toFixed(1)} | ${Math.round(copyRate)} | ${(copy.bytes / 1e6).toFixed(0)} | 1.00× |`,
      `| households with members, POST /export (masked, audited; best of 2) | ${exported.rows} | ${exported.seconds.toFixed(1)} | ${Math.round(exportRate)} | ${(exported.bytes / 1e6).toFixed(0)} | ${(exportRate / copyRate).toFixed(2)}× |`,
    );
    if (!first.end || !second.end) note("(the export did not end with its end line)");
  } finally {
    await stopped(server);
  }

  server = await deps.startServer(PORT, "jit", "document", env, url);
  let small: number;
  try {
    const first = await exportRows(deps.registry, MEMBERS, 10_000);
    // Let the server finish the page it was writing before its peak is read.
    await new Promise((r) => setTimeout(r, 2000));
    small = peakRss(server.pid!);
    note(
      `| members, the first 10,000 rows | ${first.rows} | ${first.seconds.toFixed(1)} | ${Math.round(first.rows / first.seconds)} | peak RSS ${small.toFixed(0)} MB | |`,
    );
  } finally {
    await stopped(server);
  }
  server = await deps.startServer(PORT, "jit", "document", env, url);
  try {
    const all = await exportRows(deps.registry, MEMBERS);
    const large = peakRss(server.pid!);
    note(
      `| members, all | ${all.rows} | ${all.seconds.toFixed(1)} | ${Math.round(all.rows / all.seconds)} | peak RSS ${large.toFixed(0)} MB | RSS ${(large / small).toFixed(2)}× |`,
    );
  } finally {
    await stopped(server);
  }
  console.log("## Export (POST /export) beside COPY of the same selection\n");
  console.log("| run | rows | s | rows/s | MB | ratio |");
  console.log("|---|---|---|---|---|---|");
  for (const line of figures) console.log(line);
  console.log("");
}
