import "reflect-metadata";
import { Command } from "commander";
import { asc, eq } from "drizzle-orm";
import { newApiKey } from "../access/authenticate.js";
import { loadPolicyFile } from "../access/policy.js";
import { loadConfig } from "../config.js";
import { describeDatabase, openConfiguredDatabase } from "../db/open.js";
import { migrate } from "../db/migrate.js";
import { apiKeys } from "../db/schema.js";
import { exitWithFailure, UserFacingError } from "../shared/fatal.js";

/** `npm run api-key -- create|list|revoke`: integrator service accounts bound to a department and region. */
let config;
try {
  config = loadConfig();
} catch (error) {
  exitWithFailure(error, "api-key failed");
}
const where = describeDatabase(config);
const open = async () => {
  const database = await openConfiguredDatabase(config);
  await migrate(database);
  return database;
};
const REGION = /^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$/;

const program = new Command("api-key").description("Manage integrator API keys (sent as X-Api-Key).");

program
  .command("create")
  .requiredOption("--name <name>", "who or what the key is for")
  .requiredOption("--department <code>", "department the key acts for")
  .option("--region <prefix>", "region code prefix of its scope (empty = everywhere)", "")
  .action(async (o: { name: string; department: string; region: string }) => {
    const departments = Object.keys(loadPolicyFile(config.POLICY_FILE).departments).filter((d) => d !== "PUBLIC");
    if (!departments.includes(o.department)) {
      throw new UserFacingError(`Unknown department ${o.department}. One of: ${departments.join(", ")}.`);
    }
    if (!REGION.test(o.region)) {
      throw new UserFacingError(
        `--region ${o.region} is not a region code prefix: use 2, 4, 6, 9 or 12 digits (or leave it out for everywhere).`,
      );
    }
    const database = await open();
    const { key, prefix, hash } = newApiKey();
    const [row] = await database.db
      .insert(apiKeys)
      .values({ name: o.name, prefix, keyHash: hash, department: o.department, region: o.region })
      .returning({ id: apiKeys.id });
    await database.close();
    process.stdout.write(`Created API key ${row!.id} (${prefix}) for ${o.department} ${o.region || "(everywhere)"}.\n`);
    process.stdout.write(`Key (shown once, store it now): ${key}\n`);
  });

program.command("list").action(async () => {
  const database = await open();
  const rows = await database.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      department: apiKeys.department,
      region: apiKeys.region,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .orderBy(asc(apiKeys.id));
  await database.close();
  if (!rows.length) process.stdout.write("No API keys yet: npm run api-key -- create --name … --department …\n");
  else process.stdout.write("id\tprefix\tdepartment\tregion\tstatus\tlast used\tname\n");
  for (const r of rows) {
    const lastUsed = r.lastUsedAt ? r.lastUsedAt.toISOString().replace(/\.\d+Z$/, "Z") : "never";
    process.stdout.write(
      `${r.id}\t${r.prefix}\t${r.department}\t${r.region || "*"}\t${r.revokedAt ? "revoked" : "active"}\t${lastUsed}\t${r.name}\n`,
    );
  }
});

program
  .command("revoke")
  .argument("<id>", "key id from `list`")
  .action(async (id: string) => {
    if (!/^[1-9][0-9]{0,9}$/.test(id)) {
      throw new UserFacingError(
        `"${id}" is not an API key id: use the number in the first column of \`npm run api-key -- list\`.`,
      );
    }
    const database = await open();
    const rows = await database.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(eq(apiKeys.id, Number(id)))
      .returning({ id: apiKeys.id });
    await database.close();
    if (!rows.length) throw new UserFacingError(`No API key ${id}: see \`npm run api-key -- list\`.`);
    process.stdout.write(`Revoked API key ${id}.\n`);
  });

await program.parseAsync().catch((error: unknown) => exitWithFailure(error, "api-key failed", where));
