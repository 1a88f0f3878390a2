import { ClientError } from "../shared/errors.js";

/**
 * Why an export cannot start or go on, with its stable `extensions.code` and the HTTP status it is
 * answered with when nothing has been streamed yet (after that it is the stream's last line).
 */
export class ExportError extends ClientError {
  constructor(
    code: ExportErrorCode,
    message: string,
    readonly status: number,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, code, extensions);
  }
}

export type ExportErrorCode =
  /** The operation is not one query selecting one connection's nodes (or gives its own page arguments). */
  | "EXPORT_OPERATION_INVALID"
  /** CSV was asked for a selection with nested objects or lists of objects. */
  | "EXPORT_CSV_NESTED"
  /** A query parameter (format, gzip, resume, fresh) is not understood. */
  | "EXPORT_PARAMETER_INVALID"
  /** The resume token is malformed or belongs to another operation, variables or principal. */
  | "EXPORT_RESUME_INVALID"
  /** The snapshot the token continues is gone: export again, or resume with `fresh=true`. */
  | "EXPORT_SNAPSHOT_GONE"
  /** The client read nothing for EXPORT_STALL_SECONDS: the export was ended. */
  | "EXPORT_STALLED"
  /** EXPORT_MAX_CONCURRENT or EXPORT_MAX_PER_PRINCIPAL exports run already (HTTP 429, Retry-After). */
  | "EXPORT_BUSY";
