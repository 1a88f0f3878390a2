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

  /**
   * The serialised response with every placeholder it contains replaced, as the pieces of bytes to
   * send in order (PostgreSQL's texts as they came, never copied into one buffer); null when it
   * holds none.
   */
  splice(body: string): SplicedBody | null {
    if (!this.texts.size) return null;
    const found: [number, string][] = [];
    for (const quoted of this.texts.keys()) {
      const at = body.indexOf(quoted);
      if (at >= 0) found.push([at, quoted]);
    }
    if (!found.length) return null;
    found.sort((a, b) => a[0] - b[0]);
    const chunks: Buffer[] = [];
    let length = 0;
    // Text between the bytes of PostgreSQL is gathered and encoded once per run.
    let text = "";
    const flush = () => {
      if (!text) return;
      const bytes = Buffer.from(text, "utf8");
      chunks.push(bytes);
      length += bytes.length;
      text = "";
    };
    const add = (piece: JsonPiece) => {
      if (typeof piece === "string") {
        text += piece;
        return;
      }
      flush();
      chunks.push(piece);
      length += piece.length;
    };
    let from = 0;
    for (const [at, quoted] of found) {
      add(body.slice(from, at));
      for (const piece of this.texts.get(quoted)!) add(piece);
      from = at + quoted.length;
    }
    add(body.slice(from));
    flush();
    return { chunks, length };
  }
}

/** A spliced response body: its bytes in pieces, sent one after the other, and their total length. */
export interface SplicedBody {
  chunks: readonly Buffer[];
  length: number;
}

/** A response whose body, when `bytes` is set, is those bytes (a spliced answer) instead of `body`. */
export type ApiResponse = HTTPGraphQLResponse & { bytes?: SplicedBody };
