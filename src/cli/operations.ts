import "reflect-metadata";
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { GraphQLError } from "graphql";
import { loadConfig } from "../config.js";
import type { Database } from "../db/client.js";
import { openConfiguredDatabase } from "../db/open.js";
import { migrate } from "../db/migrate.js";
import {
  apiKeyExists,
  countOperations,
  listOperations,
  registerOperation,
  removeOperations,
} from "../operations/operation.repository.js";
import { operationId, operationNameOf } from "../operations/safelist.js";

/**
 * `npm run operations -- register|list|remove`: bind an integrator's API key to the operations it
 * registered; from its first registration on, the key may run only those (by id or exact document).
 */
const config = loadConfig();

/** A failure the user can act on: one sentence on stderr, no stack. */
class UsageError extends Error {}

async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database);
    await work(database);
  } finally {
    await database.close();
  }
}

function keyId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1)
    throw new UsageError(`--key takes an API key's number (see \`npm run api-key -- list\`), not "${text}".`);
  return id;
}

const program = new Command("operations").description(
  "Bind an integrator's API key to registered operations (persisted-operation safelist).",
);

program
  .command("register")
  .argument("<file>", "a .graphql file holding the document exactly as the integrator sends it")
  .requiredOption("--key <id>", "the API key's number (`npm run api-key -- list`)")
  .action(async (file: string, o: { key: string }) => {
    const id = keyId(o.key);
    let document: string;
    try {
      document = readFileSync(file, "utf8").trim();
    } catch (error) {
      throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
    }
    let name: string | null;
    try {
      name = operationNameOf(document);
    } catch (error) {
      throw new UsageError(`${file} is not a GraphQL document: ${(error as GraphQLError).message}`);
    }
    await withDatabase(async (database) => {
      if (!(await apiKeyExists(database.db, id))) throw new UsageError(`There is no API key ${id}.`);
      const first = (await countOperations(database.db, id)) === 0;
      const opId = operationId(document);
      const added = await registerOperation(database.db, { apiKeyId: id, operationId: opId, name, document });
      process.stdout.write(
        `${added ? "Registered" : "Already registered:"} ${name ?? "(anonymous operation)"} for API key ${id}\n` +
          `  id (extensions.persistedQuery.sha256Hash): ${opId}\n` +
          (first ? `API key ${id} may now run only its registered operations.\n` : ""),
      );
    });
  });

program
  .command("list")
  .option("--key <id>", "only this API key's operations")
  .action(async (o: { key?: string }) => {
    const id = o.key === undefined ? undefined : keyId(o.key);
    await withDatabase(async (database) => {
      for (const op of await listOperations(database.db, id)) {
        process.stdout.write(
          `${op.apiKeyId}\t${op.operationId}\t${op.name ?? "(anonymous)"}\t${op.registeredAt.toISOString()}\n`,
        );
      }
    });
  });

program
  .command("remove")
  .argument("[operationId]", "the operation's id, from `list`")
  .requiredOption("--key <id>", "the API key's number")
  .option("--all", "remove every operation of the key: it may then run any operation again")
  .action(async (opId: string | undefined, o: { key: string; all?: boolean }) => {
    const id = keyId(o.key);
    if (!opId && !o.all) throw new UsageError("Name the operation id to remove (see `list`), or pass --all.");
    await withDatabase(async (database) => {
      if (o.all) {
        const n = await removeOperations(database.db, id);
        process.stdout.write(`Removed ${n} operation(s): API key ${id} may run any operation again.\n`);
        return;
      }
      const registered = await countOperations(database.db, id);
      const known = (await listOperations(database.db, id)).some((op) => op.operationId === opId);
      if (!known) throw new UsageError(`API key ${id} has no registered operation ${opId}.`);
      // Removing the last one would silently lift the restriction: only on purpose, with --all.
      if (registered === 1) {
        throw new UsageError(
          `That is API key ${id}'s last registered operation: without it the key could run any operation. To lift the restriction on purpose: npm run operations -- remove --all --key ${id}`,
        );
      }
      await removeOperations(database.db, id, opId);
      process.stdout.write(`Removed ${opId} from API key ${id}.\n`);
    });
  });

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`${error instanceof UsageError ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
