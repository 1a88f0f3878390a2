import "./workers.js";
import "graphiql/style.css";
import "./page.css";
import { GraphiQL, HISTORY_PLUGIN } from "graphiql";
import { createRoot } from "react-dom/client";
import { SchemaFollowsCredentials } from "./credentials.js";
import { examplesPlugin, type PageExample } from "./examples-plugin.js";
import { createFetcher } from "./fetcher.js";
import { storageWithoutCredentials } from "./storage.js";

const examples = JSON.parse(document.getElementById("examples")?.textContent ?? "[]") as PageExample[];

const WELCOME = `# Xiangcun Graph · 乡村数据共享平台
#
# Without credentials you are the public: villages,
# projects and counts, never a person.
#
# To act for a department, run
#   npm run token -- --department HEALTH --region 431221
# and paste what it prints into "Authorization" under
# Headers below ("Bearer " is optional). The docs and
# autocomplete then show what that department may use.
#
# Operations for each department: Examples, left sidebar.

{
  villages(first: 3, filter: { regionCode: "431221" }) {
    totalCount
    nodes {
      name
      povertyStatus
      township {
        name
      }
    }
  }
}
`;

// JSONC: the header editor accepts comments, so the preset can say what each header is for.
const HEADERS = `{
  // What \`npm run token -- --department … --region …\` prints
  "Authorization": "",
  // Why you read personal data (required for some fields): a purpose code of the policy,
  // optionally with text, e.g. "MONITORING: 入户核实"
  "X-Purpose": ""
}`;

const plugins = [HISTORY_PLUGIN, examplesPlugin(examples)];
const fetcher = createFetcher(window.location);

createRoot(document.getElementById("graphiql")!).render(
  <GraphiQL
    fetcher={fetcher}
    storage={storageWithoutCredentials}
    // With credentials never stored, the "persist headers" setting would be a trap: hidden.
    showPersistHeadersSettings={false}
    plugins={plugins}
    defaultQuery={WELCOME}
    defaultHeaders={HEADERS}
    defaultEditorToolsVisibility="headers"
  >
    <GraphiQL.Logo>Xiangcun Graph · 乡村数据共享平台</GraphiQL.Logo>
    <SchemaFollowsCredentials />
  </GraphiQL>,
);
