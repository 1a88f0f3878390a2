import { readFileSync } from "node:fs";
import { Command } from "commander";
import { SingleBar } from "cli-progress";
import { exportToFile, ExportClientError, stateFile } from "../export/export-client.js";

/**
 * `npm run export -- --operation households.graphql --out households.jsonl`: a department's slice
 * streamed from POST /export into a file, with a progress bar on stderr and `--resume` after an
 * interruption (the state file beside the output keeps the last resume token). README, "Bulk export".
 */
const program = new Command("export")
  .description("Export one connection's nodes (JSON Lines or CSV) from a Xiangcun Graph server.")
  .requiredOption("--operation <file>", "a .graphql file with one query selecting one connection's nodes")
  .requiredOption("--out <file>", "where to write the rows")
  .option("--format <format>", "jsonl or csv (a flat selection only)", "jsonl")
  .option("--variables <json>", "the operation's variables, as JSON", "{}")
  .option("--operation-name <name>", "which operation of the file, if it holds several")
  .option("--resume", "continue an interrupted export into the same file", false)
  .option("--fresh", "when resuming and the snapshot is gone, continue at the current data", false)
  .option("--purpose <purpose>", "the declared purpose (X-Purpose), e.g. 'MONITORING: nightly sync'")
  .option("--key <key>", "the API key (default: XG_API_KEY)")
  .option("--url <url>", "the server (default: XG_URL or http://127.0.0.1:4000)")
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const apiKey = (o.key as string | undefined) ?? process.env.XG_API_KEY;
    if (!apiKey) fail("Give an API key: --key or XG_API_KEY (npm run api-key -- create …).");
    const format = o.format as string;
    if (format !== "jsonl" && format !== "csv") fail("--format is jsonl or csv.");
    let variables: Record<string, unknown>;
    try {
      variables = JSON.parse(o.variables as string) as Record<string, unknown>;
    } catch {
      fail("--variables is not JSON.");
    }
    const bar = new SingleBar({
      format: "{bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}",
      stream: process.stderr,
      etaBuffer: 20,
    });
    const started = Date.now();
    let startedRows: number | null = null;
    try {
      const state = await exportToFile({
        url: (o.url as string | undefined) ?? process.env.XG_URL ?? "http://127.0.0.1:4000",
        apiKey: apiKey!,
        query: readFileSync(o.operation as string, "utf8"),
        variables: variables!,
        operationName: o.operationName as string | undefined,
        out: o.out as string,
        format: format as "jsonl" | "csv",
        resume: Boolean(o.resume),
        fresh: Boolean(o.fresh),
        purpose: o.purpose as string | undefined,
        progress({ total, rows }) {
          if (startedRows === null) {
            startedRows = rows;
            bar.start(total ?? rows, rows, { rate: 0 });
          }
          const seconds = (Date.now() - started) / 1000;
          bar.update(rows, { rate: seconds > 0 ? Math.round((rows - startedRows) / seconds) : 0 });
        },
      });
      bar.stop();
      process.stderr.write(
        `${state.rows} rows in ${o.out} (snapshot ${state.snapshot ?? "—"}); state in ${stateFile(o.out as string)}\n`,
      );
    } catch (error) {
      bar.stop();
      if (error instanceof ExportClientError) {
        const again =
          error.code === "EXPORT_SNAPSHOT_GONE"
            ? " Export again, or add --fresh to continue at the current data."
            : ` Run the same command with --resume to continue.`;
        fail(
          `${error.code ? `${error.code}: ` : ""}${error.message}${error.code?.startsWith("EXPORT_") || !error.code ? again : ""}`,
        );
      }
      fail(
        `The export was interrupted: ${String((error as Error).message ?? error)}. Run the same command with --resume to continue.`,
      );
    }
  });

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

await program.parseAsync();
