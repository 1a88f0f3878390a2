import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from "@apollo/server";
import { tokenLimitError } from "./limits.js";

/**
 * The parser stops at `maxTokens` (Apollo's `parseOptions`) before building a tree: its syntax
 * error is answered as TOKEN_LIMIT (HTTP 200 like every other limit), with the count and the limit.
 */
export function tokenLimitPlugin(maxTokens: number): ApolloServerPlugin {
  // Nothing of a request is kept in the listener: one serves every request.
  const listener: GraphQLRequestListener<BaseContext> = {
    async willSendResponse({ response, source, errors }) {
      if (response.body.kind !== "single" || !errors?.length) return;
      const limited = errors.map((e) => tokenLimitError(e, source, maxTokens)).find(Boolean);
      if (!limited) return;
      response.body.singleResult.errors = [{ message: limited.message, extensions: limited.extensions }];
      response.http.status = 200;
    },
  };
  return {
    async requestDidStart() {
      return listener;
    },
  };
}
