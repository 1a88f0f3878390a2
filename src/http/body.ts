import type { IncomingMessage } from "node:http";

/** A request body over MAX_BODY_BYTES (HTTP 413). */
export class BodyTooLarge extends Error {
  constructor(max: number) {
    super(`The request body is larger than ${max} bytes (MAX_BODY_BYTES): send fewer records per call.`);
  }
}

/** The request body as text, refused past `max` bytes. */
export function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      // Past the limit the rest is read and dropped, so the client still receives the 413.
      if (size > max) {
        chunks.length = 0;
        reject(new BodyTooLarge(max));
      } else chunks.push(c);
    });
    // A small body arrives in one chunk: decoded as it is, not copied first.
    req.on("end", () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")),
    );
    req.on("error", reject);
  });
}
