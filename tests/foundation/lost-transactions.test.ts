import net from "node:net";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../helpers/database.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PostgreSQL goes away while transactions are under way. Each of them must end — committed before
 * the cut, or failed with the connection — so that whoever waits for it (a request, the audit's
 * group commit) moves on. A transaction whose next statement was sent between the socket's error
 * and its close used to wait forever: neither answered nor failed, and its transaction never
 * settled (postgres.js, patched in patches/postgres+3.4.9.patch).
 */
describe.skipIf(!onPostgres)("transactions under way when the connection to PostgreSQL is lost", () => {
  let proxy: TcpProxy;
  let client: postgres.Sql;

  beforeAll(async () => {
    const target = new URL(process.env.DATABASE_URL!);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.listen();
    client = postgres(proxy.url(process.env.DATABASE_URL!), {
      max: 10,
      onnotice: () => {},
      connect_timeout: 5,
      backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    });
  });
  afterAll(async () => {
    await client?.end({ timeout: 1 });
    await proxy?.close();
  });

  it("all end, committed or failed, however the cut falls between their statements", async () => {
    const unsettled: string[] = [];
    for (let round = 0; round < 8; round++) {
      const pending = new Map<number, string>();
      let next = 0;
      const watch = (what: string, work: Promise<unknown>) => {
        const id = next++;
        pending.set(id, what);
        return work.then(
          () => pending.delete(id),
          () => pending.delete(id),
        );
      };
      let stop = false;
      const loops = Array.from({ length: 8 }, async (_, i) => {
        while (!stop) {
          const work =
            i % 2
              ? client.begin(async (tx) => {
                  await tx`SELECT pg_sleep(0.002)`;
                  await tx`SELECT 1`;
                })
              : client`SELECT pg_sleep(0.003)`;
          await watch(i % 2 ? "a transaction" : "a statement", work);
          await sleep(2);
        }
      });
      await sleep(100 + ((round * 37) % 200));
      proxy.cut("stop");
      await sleep(300 + ((round * 53) % 500));
      await proxy.restore();
      await sleep(500);
      stop = true;
      // Each loop waits for its last piece of work: a hung one never returns, so the wait is bounded.
      await Promise.race([Promise.all(loops), sleep(8000)]);
      unsettled.push(...[...pending.values()].map((what) => `round ${round}: ${what}`));
    }
    expect(unsettled).toEqual([]);
  }, 120_000);

  it("fails the first query of a connection lost while it asks for its types, and leaves nothing unhandled", async () => {
    // A proxy that resets each connection as it sends postgres.js's query for the array types,
    // the first thing a new connection asks once it is ready.
    const target = new URL(process.env.DATABASE_URL!);
    const cutter = net.createServer((socket) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      upstream.on("error", () => socket.destroy()).pipe(socket);
      socket.on("error", () => upstream.destroy());
      socket.on("data", (chunk: Buffer) => {
        if (chunk.includes("pg_catalog.pg_type")) {
          socket.resetAndDestroy();
          upstream.destroy();
        } else upstream.write(chunk);
      });
    });
    await new Promise<void>((resolve) => cutter.listen(0, "127.0.0.1", resolve));
    const through = new URL(process.env.DATABASE_URL!);
    through.hostname = "127.0.0.1";
    through.port = String((cutter.address() as net.AddressInfo).port);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const fresh = postgres(through.toString(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      const outcome = await Promise.race([
        fresh`SELECT 1`.then(
          () => "answered",
          (error: { code?: string }) => `failed: ${error.code}`,
        ),
        sleep(10_000).then(() => "still waiting after 10 s"),
      ]);
      await sleep(200);
      expect(outcome).toMatch(/^failed: /);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await fresh.end({ timeout: 1 });
      await new Promise<void>((resolve) => cutter.close(() => resolve()));
    }
  }, 30_000);
});
