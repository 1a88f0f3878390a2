import { Command } from "commander";
import { loadConfig } from "../config.js";
import { loadPolicyFile } from "../access/policy.js";
import { signToken } from "../access/token.js";

/** `npm run token -- --department HEALTH --region 431221`: a development bearer token. */
const program = new Command("token")
  .description("Print a development bearer token for a department and region scope.")
  .requiredOption("--department <code>", "department code, e.g. HEALTH")
  .option("--region <prefix>", "region code prefix of the scope (empty = everywhere)", "")
  .option("--sub <id>", "subject (user id)", "dev-user")
  .option("--name <name>", "display name")
  .option("--expires <duration>", "lifetime, e.g. 8h or 30m", "8h")
  .parse();

const options = program.opts<{ department: string; region: string; sub: string; name?: string; expires: string }>();
const config = loadConfig();
if (config.NODE_ENV === "production") {
  process.stderr.write("Refusing to mint a development token: NODE_ENV is production. Use your identity provider.\n");
  process.exit(1);
}
const departments = Object.keys(loadPolicyFile(config.POLICY_FILE).departments).filter((d) => d !== "PUBLIC");
if (!departments.includes(options.department)) {
  process.stderr.write(`Unknown department ${options.department}. One of: ${departments.join(", ")}\n`);
  process.exit(1);
}
if (!/^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$/.test(options.region)) {
  process.stderr.write("--region must be a region code prefix of 2, 4, 6, 9 or 12 digits.\n");
  process.exit(1);
}
process.stdout.write(
  `${await signToken(config, { sub: options.sub, department: options.department, region: options.region, name: options.name }, options.expires)}\n`,
);
