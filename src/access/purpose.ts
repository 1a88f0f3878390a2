import type { GraphQLError } from "graphql";
import { BadUserInputError, ForbiddenError } from "../shared/errors.js";

/**
 * The declared purpose of a request (X-Purpose): a code from the policy's list, optionally with
 * free text — `X-Purpose: MONITORING` or `X-Purpose: MONITORING: 季度走访核实`. The audit records
 * both. Groups marked `purposeRequired` in the policy accept only their own codes.
 */
export interface DeclaredPurpose {
  code: string;
  text: string | null;
}

export const MAX_PURPOSE_TEXT = 200;

/**
 * Node reads header bytes as Latin-1; a client that sends UTF-8 text (中文) gets it back as
 * such. Percent-encoded text (what browsers' fetch must send) is decoded too.
 */
function headerText(raw: string): string {
  let text = raw;
  if (/[\x80-\xff]/.test(text) && !/[\u0100-\uffff]/.test(text)) {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(text, "latin1"));
    } catch {
      // Not UTF-8: kept as it came.
    }
  }
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      // A literal "%": kept as it came.
    }
  }
  return text;
}

/** The header as given, split into code and text; null when absent or blank. Checked by `purposeErrors`. */
export function parsePurpose(raw: string | undefined): DeclaredPurpose | null {
  if (raw === undefined || !raw.trim()) return null;
  const value = headerText(raw).trim();
  const colon = value.indexOf(":");
  const code = (colon < 0 ? value : value.slice(0, colon)).trim().toUpperCase();
  const text = colon < 0 ? "" : value.slice(colon + 1).trim();
  return { code, text: text || null };
}

/** One purpose-required group of the policy that a request asks for. */
export interface PurposeNeed {
  /** The group's fields asked for, as Type.field. */
  fields: readonly string[];
  /** The codes the group accepts. */
  purposes: readonly string[];
}

/**
 * Why a request's purpose does not do: missing where a field needs one (FORBIDDEN), or not a code
 * of the policy, not one the asked fields accept, or with unusable text (BAD_USER_INPUT, naming
 * the codes that would do in `extensions.validPurposes`).
 */
export function purposeErrors(
  declared: DeclaredPurpose | null,
  needs: readonly PurposeNeed[],
  vocabulary: ReadonlyMap<string, string>,
): GraphQLError[] {
  if (!declared) {
    return needs.map(
      ({ fields, purposes }) =>
        new ForbiddenError(
          `Reading ${fields.join(", ")} requires a declared purpose: send the header X-Purpose: CODE (or CODE: text), CODE one of ${purposes.join(", ")}. It is recorded in the audit log.`,
        ),
    );
  }
  const errors: GraphQLError[] = [];
  const { code, text } = declared;
  if (text !== null && text.length > MAX_PURPOSE_TEXT) {
    errors.push(new BadUserInputError(`The X-Purpose text is longer than ${MAX_PURPOSE_TEXT} characters.`));
  }
  // Control characters and unpaired surrogates cannot be stored as text (nor read in a log).
  if (text !== null && /[\p{Cc}\uD800-\uDFFF]/u.test(text)) {
    errors.push(new BadUserInputError("The X-Purpose text contains control characters or invalid Unicode."));
  }
  if (!vocabulary.has(code)) {
    const valid = needs.length ? accepted(needs) : [...vocabulary.keys()];
    const shown = JSON.stringify(code.slice(0, 40));
    errors.push(
      new BadUserInputError(
        `X-Purpose ${shown} is not a purpose code of the policy: ${valid.length ? `use one of ${valid.join(", ")}` : "no one code covers every field asked, so ask for them in separate requests"}.`,
        { validPurposes: valid },
      ),
    );
    return errors;
  }
  for (const { fields, purposes } of needs) {
    if (!purposes.includes(code)) {
      errors.push(
        new BadUserInputError(
          `The purpose ${code} does not cover reading ${fields.join(", ")}: use one of ${purposes.join(", ")}.`,
          { validPurposes: [...purposes] },
        ),
      );
    }
  }
  return errors;
}

/** Codes every asked field accepts (one header serves the whole request). */
function accepted(needs: readonly PurposeNeed[]): string[] {
  return needs.reduce<string[]>(
    (codes, need) => codes.filter((c) => need.purposes.includes(c)),
    [...needs[0]!.purposes],
  );
}
