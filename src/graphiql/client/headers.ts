// Pure functions over request headers, shared by the fetcher, the history storage and the tests.

/**
 * The headers as sent: empty values dropped (the preset leaves Authorization and X-Purpose blank),
 * and a bare token — pasted exactly as `npm run token` prints it — given its `Bearer ` scheme.
 * The server keeps requiring the scheme; adding it here keeps the API strict and the page forgiving.
 * A browser refuses to send a header value outside ISO-8859-1 (a purpose written in Chinese):
 * such a value is sent percent-encoded (UTF-8) instead of failing the request.
 */
export function requestHeaders(headers: Record<string, unknown> = {}): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    const value = typeof raw === "string" ? raw.trim() : raw == null ? "" : String(raw);
    if (!value) continue;
    if (name.toLowerCase() === "authorization" && !/^\S+\s+\S/.test(value)) sent[name] = `Bearer ${value}`;
    else sent[name] = [...value].some((c) => c.charCodeAt(0) > 0xff) ? encodeURIComponent(value) : value;
  }
  return sent;
}

const CREDENTIAL = /("(?:authorization|x-api-key)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** The headers text with the values of Authorization and X-Api-Key emptied. */
export function withoutCredentials(headers: string): string {
  return headers.replace(CREDENTIAL, '$1""');
}
