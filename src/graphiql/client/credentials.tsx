import { pick, tryParseJSONC, useGraphiQL, useGraphiQLActions } from "@graphiql/react";
import { useEffect } from "react";
import { requestHeaders } from "./headers.js";

/** Who the headers say the caller is: the part of the headers the server's contract depends on. */
function credentialsOf(headersText: string): string {
  try {
    const headers = requestHeaders(tryParseJSONC(headersText) as Record<string, unknown> | undefined);
    const find = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1] ?? "";
    return `${find("authorization")}\n${find("x-api-key")}`;
  } catch {
    return "";
  }
}

/**
 * Introspection answers with the caller's department contract, so the docs and autocomplete must
 * be fetched again whenever the credentials in the headers change (pasting a token, switching to
 * a tab written for another department) — not only on page load.
 */
export function SchemaFollowsCredentials(): null {
  const { headerEditor } = useGraphiQL(pick("headerEditor"));
  const { introspect } = useGraphiQLActions();
  useEffect(() => {
    if (!headerEditor) return;
    let current = credentialsOf(headerEditor.getValue());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = headerEditor.onDidChangeModelContent(() => {
      clearTimeout(timer);
      // Typing a token by hand would otherwise introspect on every keystroke.
      timer = setTimeout(() => {
        const next = credentialsOf(headerEditor.getValue());
        if (next === current) return;
        current = next;
        void introspect();
      }, 300);
    });
    return () => {
      clearTimeout(timer);
      subscription.dispose();
    };
  }, [headerEditor, introspect]);
  return null;
}
