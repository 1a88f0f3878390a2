import { checkDigit, parseIdNumber } from "./id-number.js";

export interface InputError {
  field: string;
  code: string;
  message: string;
}

/**
 * Checks a member's identity number against GB 11643 and against the member's own birth date
 * and gender, field by field, so a client can show each problem next to its input.
 */
export function validateMemberIdentity(member: { idNumber: string; birthDate: string; gender: string }): InputError[] {
  const { idNumber } = member;
  if (!/^[0-9]{17}[0-9X]$/.test(idNumber)) {
    return [
      { field: "idNumber", code: "INVALID_FORMAT", message: "An identity number is 17 digits and a digit or X." },
    ];
  }
  if (checkDigit(idNumber.slice(0, 17)) !== idNumber[17]) {
    return [{ field: "idNumber", code: "INVALID_CHECKSUM", message: "The identity number's check digit is wrong." }];
  }
  const parsed = parseIdNumber(idNumber);
  if (!parsed) {
    return [
      { field: "idNumber", code: "INVALID_FORMAT", message: "The identity number has an unknown region or date." },
    ];
  }
  const errors: InputError[] = [];
  if (parsed.birthDate !== member.birthDate) {
    errors.push({
      field: "birthDate",
      code: "MISMATCH_ID_NUMBER",
      message: "The birth date differs from the one in the identity number.",
    });
  }
  if (parsed.gender !== member.gender) {
    errors.push({
      field: "gender",
      code: "MISMATCH_ID_NUMBER",
      message: "The gender differs from the one in the identity number.",
    });
  }
  return errors;
}
