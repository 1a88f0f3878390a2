import { pick, useGraphiQL, useGraphiQLActions, type GraphiQLPlugin } from "@graphiql/react";

/** An operation from schema/examples/, as the server embeds it in the page. */
export interface PageExample {
  name: string;
  department: string;
  kind: "query" | "mutation" | "subscription";
  description: string;
  query: string;
}

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5h16M4 10h16M4 15h10M4 20h7" strokeLinecap="round" />
    </svg>
  );
}

function ExampleList({ examples }: { examples: PageExample[] }) {
  const { queryEditor, variableEditor, headerEditor } = useGraphiQL(
    pick("queryEditor", "variableEditor", "headerEditor"),
  );
  const { addTab } = useGraphiQLActions();
  const open = (example: PageExample) => {
    // A new tab keeps the credentials already pasted: a token per tab would be tedious.
    const headers = headerEditor?.getValue();
    addTab();
    queryEditor?.setValue(example.query);
    variableEditor?.setValue("");
    if (headers !== undefined) headerEditor?.setValue(headers);
  };
  return (
    <section className="xg-examples" aria-label="Example operations">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p>
        Operations from <code>schema/examples/</code>, each written for one department: run it with a token of that
        department (<code>npm run token -- --department …</code>) pasted into the Authorization header.
      </p>
      <ul>
        {examples.map((example) => (
          <li key={example.name}>
            <button type="button" onClick={() => open(example)} data-example={example.name}>
              <span className="xg-example-name">{example.name}</span>
              <span className="xg-example-tags">
                {example.kind} · {example.department}
              </span>
              <span className="xg-example-description">{example.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function examplesPlugin(examples: PageExample[]): GraphiQLPlugin {
  return { title: "Examples", icon: ExamplesIcon, content: () => <ExampleList examples={examples} /> };
}
