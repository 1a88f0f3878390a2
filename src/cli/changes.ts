import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Command } from "commander";

/**
 * `npm run changes -- --since <position>`: follows the change feed of a server with an API key and
 * prints each entry as one JSON line, page after page until caught up. The integrator's nightly
 * routine: export once (its header names the position), then run this every night with `--state`,
 * which keeps the position between runs (and after an interruption: it is written after each page).
 */
const program = new Command("changes")
  .description("Print the change feed after a position as JSON Lines (one entry per line), until caught up.")
  .option("--since <position>", "the position to follow from (an export's, or the last run's)")
  .option("--state <file>", "read the position from this file when it exists, and write each new position to it")
  .option(
    "--types <list>",
    "comma-separated types (Household,Member,HouseholdIncome,MonitoringCase,… — README, Served types); default: every type your key may read",
  )
  .option("--selection <file>", "the node's fields to print, e.g. `... on Household { address status }`", undefined)
  .option("--first <n>", "entries per page (1–1000)", "1000")
  .option("--url <url>", "the server's GraphQL endpoint", process.env.XG_URL ?? "http://127.0.0.1:4000/graphql")
  .option("--api-key <key>", "the integrator's API key (or XG_API_KEY)", process.env.XG_API_KEY)
  .option(
    "--purpose <text>",
    "X-Purpose to declare, e.g. `STATISTICS: 夜间同步` (or XG_PURPOSE)",
    process.env.XG_PURPOSE,
  )
  .showHelpAfterError();

interface Options {
  since?: string;
  state?: string;
  types?: string;
  selection?: string;
  first: string;
  url: string;
  apiKey?: string;
  purpose?: string;
}

interface Page {
  position: string;
  caughtUp: boolean;
  entries: Record<string, unknown>[];
}

/** A failure the user can act on: one sentence on stderr, no stack. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

async function main(o: Options): Promise<void> {
  if (!o.apiKey)
    throw new UsageError("An API key is needed: --api-key <key> or XG_API_KEY (`npm run api-key -- create`).");
  const stored = o.state && existsSync(o.state) ? readFileSync(o.state, "utf8").trim() : undefined;
  let position = o.since ?? stored;
  if (!position) {
    throw new UsageError(
      "Where to start: --since <position> (an export's position) or --state <file> from a last run.",
    );
  }
  const first = Number(o.first);
  if (!Number.isInteger(first) || first < 1 || first > 1000) throw new UsageError("--first takes 1 to 1000.");
  const selection = o.selection ? readFileSync(o.selection, "utf8") : "";
  const query = `query Changes($after: String, $types: [String!], $first: Int!) {
    changes(after: $after, types: $types, first: $first) {
      position caughtUp
      entries { position operation type id changedFields recordedAt node { id ${selection} } }
    }
  }`;
  const types = o.types
    ? o.types
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean)
    : null;
  const headers: Record<string, string> = { "content-type": "application/json", "x-api-key": o.apiKey };
  // Header values are bytes: text beyond ASCII (中文) is sent percent-encoded, which the server decodes.
  if (o.purpose) headers["x-purpose"] = o.purpose.replace(/[^\x20-\x7e]+/g, (s) => encodeURIComponent(s));
  let total = 0;
  for (;;) {
    const response = await fetch(o.url, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables: { after: position, types, first } }),
    });
    const body = (await response.json().catch(() => null)) as {
      data?: { changes?: Page } | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    } | null;
    const error = body?.errors?.[0];
    if (error) {
      const code = error.extensions?.code ?? "ERROR";
      throw new UsageError(`${code}: ${error.message}`, code === "CHANGES_EXPIRED" ? 3 : 1);
    }
    const page = body?.data?.changes;
    if (!page) throw new UsageError(`The server answered HTTP ${response.status} without a page of changes.`, 1);
    let out = "";
    for (const entry of page.entries) out += `${JSON.stringify(entry)}\n`;
    if (out && !process.stdout.write(out)) await new Promise((resolve) => process.stdout.once("drain", resolve));
    total += page.entries.length;
    position = page.position;
    if (o.state) writeFileSync(o.state, `${position}\n`);
    if (page.caughtUp) break;
  }
  process.stderr.write(`${total} changes; caught up at position ${position}\n`);
}

program.action(async (o: Options) => {
  try {
    await main(o);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`changes: ${(error as Error).message}\n`);
    process.exit(1);
  }
});

await program.parseAsync();
