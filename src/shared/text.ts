/**
 * What makes a text unusable as input, whatever the field: a NUL byte (PostgreSQL cannot store
 * it), another control character (tab, line feed and carriage return excepted), or a lone UTF-16
 * surrogate (not Unicode: it cannot be encoded as UTF-8). Returns the reason, or null when the text is fine.
 */
export function textProblem(value: string): string | null {
  if (value.includes("\u0000")) return "contains a NUL character";
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) return "contains a control character";
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
    return "is not valid Unicode (a lone surrogate)";
  }
  return null;
}
