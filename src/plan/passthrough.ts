import { randomBytes } from "node:crypto";
import type { HTTPGraphQLResponse } from "@apollo/server";
import type { JsonPiece } from "./roots.js";

/** Unguessable outside this process: a placeholder cannot be forged by a value a client wrote. */
const SECRET = randomBytes(12).toString("base64url");
let issued = 0;

/**
 * JSON texts that go into an HTTP response as PostgreSQL sent them. A compiled root field's value
 * stands in the execution result as a placeholder string; once Apollo has serialised the response,
 * each placeholder (as JSON.stringify wrote it) is replaced by its text, and the response is sent
 * as bytes. Node neither decodes, parses nor serialises the rows; the rest of the response (errors,
 * extensions, fields answered by resolvers) is Apollo's as always.
 */
export class PassThrough {
  private readonly texts = new Map<string, readonly JsonPiece[]>();

  /** The placeholder that stands for the text made of `pieces` in the execution result. */
  hold(pieces: readonly JsonPiece[]): string {
    const placeholder = `\u0000xg-json:${SECRET}:${(issued++).toString(36)}`;
    this.texts.set(JSON.stringify(placeholder), pieces);
    return placeholder;
  }

  /** The serialised response with every placeholder it contains replaced, as bytes; null when it holds none. */
  splice(body: string): Buffer | null {
    if (!this.texts.size) return null;
    const found: [number, string][] = [];
    for (const quoted of this.texts.keys()) {
      const at = body.indexOf(quoted);
      if (at >= 0) found.push([at, quoted]);
    }
    if (!found.length) return null;
    found.sort((a, b) => a[0] - b[0]);
    const pieces: Buffer[] = [];
    let from = 0;
    const add = (piece: JsonPiece) => pieces.push(typeof piece === "string" ? Buffer.from(piece, "utf8") : piece);
    for (const [at, quoted] of found) {
      add(body.slice(from, at));
      for (const piece of this.texts.get(quoted)!) add(piece);
      from = at + quoted.length;
    }
    add(body.slice(from));
    return Buffer.concat(pieces);
  }
}

/** A response whose body, when `bytes` is set, is those bytes (a spliced answer) instead of `body`. */
export type ApiResponse = HTTPGraphQLResponse & { bytes?: Buffer };
