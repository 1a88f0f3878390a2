import type { PolicyFile } from "../../access/policy.js";

/**
 * The steward of a policy field (`Type.field`) in the policy file: the owner of the group that
 * lists it by name, else of the group that claims its type with "*". For the command and the
 * schedule, which run without a request's compiled policy.
 */
export function stewardOf(policy: PolicyFile, key: string): string | null {
  const [type, field] = key.split(".") as [string, string];
  let wildcard: string | null = null;
  for (const group of Object.values(policy.groups)) {
    const fields = group.fields[type];
    if (fields === "*") wildcard ??= group.owner;
    else if (fields?.includes(field)) return group.owner;
  }
  return wildcard;
}
