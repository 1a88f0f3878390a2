/**
 * Monaco's language workers, bundled beside the page (bundle.ts builds one file per worker):
 * GraphiQL's own setup helpers load them from a CDN or rely on a bundler's `new URL(…, import.meta.url)`.
 * Imported first by main.tsx, before any editor is created.
 */
const WORKERS: Record<string, string> = {
  graphql: "/graphiql/graphql.worker.js",
  json: "/graphiql/json.worker.js",
};

(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return new Worker(WORKERS[label] ?? "/graphiql/editor.worker.js");
  },
};
