import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { composeServices } from "@apollo/composition";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, createTestApp, request } from "../helpers/app.js";
import type { App } from "../../src/app.js";
import { openTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testServer } from "../helpers/server.js";

/** A health system's own service: it extends the registry's Household with clinic data. */
const clinicTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Household @key(fields: "id") {
    id: ID!
    "Visits to the village clinic this year (the clinic system's own data)."
    clinicVisits: Int!
  }
`);

describe("the API as a subgraph of a supergraph", () => {
  let database: TestDatabase;
  let app: App;
  let server: Server;
  let clinic: ApolloServer;
  let gateway: ApolloServer;
  const clinicLookups: string[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await createTestApp(database);
    server = testServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

    clinic = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: clinicTypeDefs,
        resolvers: {
          Household: {
            __resolveReference: (ref: { id: string }) => {
              clinicLookups.push(ref.id);
              return { id: ref.id, clinicVisits: ref.id.length % 7 };
            },
          },
        },
      }),
    });
    const { url: clinicUrl } = await startStandaloneServer(clinic, { listen: { port: 0, host: "127.0.0.1" } });

    const composed = composeServices([
      { name: "xiangcun", typeDefs: parse(readFileSync("schema/schema.graphql", "utf8")), url: apiUrl },
      { name: "clinic", typeDefs: clinicTypeDefs, url: clinicUrl },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    // The gateway forwards the registry owner's credentials to the subgraphs, as a router would.
    const { authorization } = await authHeaders("RURAL_REVITALIZATION");
    gateway = new ApolloServer({
      gateway: new ApolloGateway({
        supergraphSdl: composed.supergraphSdl!,
        buildService: ({ url }) =>
          new RemoteGraphQLDataSource({
            url,
            willSendRequest: ({ request }) => request.http?.headers.set("authorization", authorization!),
          }),
      }),
    });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await clinic?.stop();
    await new Promise((resolve) => server?.close(resolve));
    await app?.stop();
    await database?.dispose();
  });

  it("composes the committed schema with a clinic subgraph and answers one query across both", async () => {
    const response = await gateway.executeOperation({
      query: `{ households(first: 3, filter: { regionCode: "431221" }) {
        nodes { id householdNumber village { name } clinicVisits } } }`,
    });
    const result = response.body.kind === "single" ? response.body.singleResult : null;
    expect(result?.errors).toBeUndefined();
    const nodes = (
      result?.data as { households: { nodes: { id: string; householdNumber: string; clinicVisits: number }[] } }
    ).households.nodes;
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(node.householdNumber).toMatch(/^431221/);
      expect(node.clinicVisits).toBe(node.id.length % 7);
    }
    expect(clinicLookups).toEqual(nodes.map((n) => n.id));
  });

  it("resolves entity references through _entities, scoped and batched like any query", async () => {
    const page = await request<{ households: { nodes: { id: string; householdNumber: string }[] } }>(app, {
      query: `{ households(first: 2) { nodes { id householdNumber } } }`,
    });
    const wanted = page.data!.households.nodes;
    const before = database.statements.count;
    const entities = await app.graphql({
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Household { householdNumber } } }`,
      variables: { r: wanted.map((w) => ({ __typename: "Household", id: w.id })) },
    });
    expect(entities.body.data).toEqual({ _entities: wanted.map((w) => ({ householdNumber: w.householdNumber })) });
    expect(database.statements.count - before).toBe(1);
  });
});
