import { checkDigit, parseIdNumber } from "./id-number.js";
import type { InputErrors, Path } from "./input-errors.js";

/**
 * Checks a member's identity number against GB 11643 and against the member's own birth date
 * and gender, field by field under `path`, so a client can show each problem next to its input.
 */
export function validateMemberIdentity(
  member: { idNumber: string; birthDate: string; gender: string },
  errors: InputErrors,
  path: Path = [],
): void {
  const { idNumber } = member;
  const at = (field: string) => [...path, field];
  if (!/^[0-9]{17}[0-9X]$/.test(idNumber)) {
    errors.add(at("idNumber"), "INVALID_FORMAT", "An identity number is 17 digits and a digit or X.");
    return;
  }
  if (checkDigit(idNumber.slice(0, 17)) !== idNumber[17]) {
    errors.add(at("idNumber"), "INVALID_CHECKSUM", "The identity number's check digit is wrong.");
    return;
  }
  const parsed = parseIdNumber(idNumber);
  if (!parsed) {
    errors.add(at("idNumber"), "INVALID_FORMAT", "The identity number has an unknown region or date.");
    return;
  }
  if (parsed.birthDate !== member.birthDate) {
    errors.add(at("birthDate"), "MISMATCH_ID_NUMBER", "The birth date differs from the one in the identity number.");
  }
  if (parsed.gender !== member.gender) {
    errors.add(at("gender"), "MISMATCH_ID_NUMBER", "The gender differs from the one in the identity number.");
  }
}
