import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { requestHeaders } from "./headers.js";

/** Queries and mutations over HTTP, subscriptions over graphql-ws: both on this server's /graphql. */
export function createFetcher(location: Location): Fetcher {
  const url = new URL("/graphql", location.href);
  const subscriptionUrl = new URL(url);
  subscriptionUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const fetcher = createGraphiQLFetcher({
    url: url.href,
    subscriptionUrl: subscriptionUrl.href,
    // The server answers single results (graphql 16 has no @defer): plain JSON is enough.
    enableIncrementalDelivery: false,
  });
  return (params, options) => fetcher(params, { ...options, headers: requestHeaders(options?.headers) });
}
