import { SignJWT } from "jose";
import { DEVELOPMENT_JWT_SECRET, type Config } from "../config.js";
import { formatDuration, parseDuration } from "../shared/duration.js";

export interface TokenClaims {
  sub: string;
  department: string;
  region: string;
  name?: string;
}

/**
 * A token lifetime in seconds from text such as `30m` or `8h`; a sentence for the person who typed
 * it when it is not one the server would accept (tokens must expire, within JWT_MAX_LIFETIME).
 */
export function tokenLifetime(config: Config, text: string): number {
  const maximum = formatDuration(config.JWT_MAX_LIFETIME);
  if (/^\s*-/.test(text)) throw new RangeError(`--expires cannot be negative: give a lifetime such as 30m or 8h.`);
  if (/^\s*(0+[smhd]?|never|forever|infinite|infinity|none)\s*$/i.test(text)) {
    throw new RangeError(`Tokens must expire: give --expires a lifetime of at most ${maximum}, such as 8h.`);
  }
  const seconds = parseDuration(text);
  if (seconds === null) {
    throw new RangeError(`--expires "${text}" is not a lifetime: use a number with s, m, h or d, such as 30m or 8h.`);
  }
  if (seconds > config.JWT_MAX_LIFETIME) {
    throw new RangeError(
      `--expires ${text} is longer than the maximum token lifetime of ${maximum} (JWT_MAX_LIFETIME): the server would refuse it.`,
    );
  }
  return seconds;
}

/** Signs an HS256 token with the configured (or development) secret, expiring after `expiresIn`. */
export async function signToken(config: Config, claims: TokenClaims, expiresIn = "8h"): Promise<string> {
  const lifetime = tokenLifetime(config, expiresIn);
  const secret = new TextEncoder().encode(config.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET);
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ department: claims.department, region: claims.region, name: claims.name })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime);
  if (config.JWT_ISSUER) jwt = jwt.setIssuer(config.JWT_ISSUER);
  if (config.JWT_AUDIENCE) jwt = jwt.setAudience(config.JWT_AUDIENCE);
  return jwt.sign(secret);
}
