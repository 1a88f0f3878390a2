import { Command } from "commander";
import { loadConfig, usesDevelopmentSecret } from "../config.js";
import { loadPolicyFile } from "../access/policy.js";
import { signToken, tokenLifetime } from "../access/token.js";

/** `npm run token -- --department HEALTH --region 431221`: a development bearer token. */
const program = new Command("token")
  .description("Print a development bearer token for a department and region scope.")
  .requiredOption("--department <code>", "department code, e.g. HEALTH")
  .requiredOption("--region <prefix>", "region code prefix of the scope, e.g. 4312 (city) or 431221 (county)")
  .option("--sub <id>", "subject (user id)", "dev-user")
  .option("--name <name>", "display name")
  .option("--expires <duration>", "lifetime, e.g. 8h or 30m (at most JWT_MAX_LIFETIME)", "8h")
  .parse();

const options = program.opts<{ department: string; region: string; sub: string; name?: string; expires: string }>();

function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  refuse((error as Error).message);
}
if (config.NODE_ENV === "production") {
  refuse("Refusing to mint a development token: NODE_ENV is production. Use your identity provider.");
}
const departments = Object.keys(loadPolicyFile(config.POLICY_FILE).departments).filter((d) => d !== "PUBLIC");
if (!departments.includes(options.department)) {
  refuse(`Unknown department ${options.department}. One of: ${departments.join(", ")}`);
}
if (!/^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$/.test(options.region)) {
  refuse("--region must be a region code prefix of 2, 4, 6, 9 or 12 digits.");
}
if (options.region === "" && usesDevelopmentSecret(config)) {
  refuse('The development secret cannot grant region "" (everywhere): name a region such as 4312, or set JWT_SECRET.');
}
try {
  tokenLifetime(config, options.expires);
} catch (error) {
  refuse((error as Error).message);
}
process.stdout.write(
  `${await signToken(config, { sub: options.sub, department: options.department, region: options.region, name: options.name }, options.expires)}\n`,
);
