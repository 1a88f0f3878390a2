import { SignJWT } from "jose";
import { DEVELOPMENT_JWT_SECRET, type Config } from "../config.js";

export interface TokenClaims {
  sub: string;
  department: string;
  region: string;
  name?: string;
}

/** Signs an HS256 token with the configured (or development) secret. */
export async function signToken(config: Config, claims: TokenClaims, expiresIn = "8h"): Promise<string> {
  const secret = new TextEncoder().encode(config.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET);
  let jwt = new SignJWT({ department: claims.department, region: claims.region, name: claims.name })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (config.JWT_ISSUER) jwt = jwt.setIssuer(config.JWT_ISSUER);
  if (config.JWT_AUDIENCE) jwt = jwt.setAudience(config.JWT_AUDIENCE);
  return jwt.sign(secret);
}
