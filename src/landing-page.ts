/**
 * A self-contained page at `/`: no CDN (government networks are often offline), a query box that
 * posts to /graphql with fetch.
 */
export function landingPage(): string {
  const sample = `{
  villages(first: 5, filter: { regionCode: "431221" }) {
    totalCount
    nodes { name povertyStatus township { name } }
  }
}`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Xiangcun Graph · 乡村数据共享平台</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}textarea{width:100%;height:14rem;font:13px monospace}
pre{background:#f4f4f4;padding:1rem;overflow:auto;max-height:30rem}button{font-size:1rem;padding:.3rem 1rem}</style></head>
<body><h1>Xiangcun Graph · 乡村数据共享平台</h1>
<p>GraphQL endpoint: <code>POST /graphql</code>. The schema is in <code>schema/schema.graphql</code>; example operations in <code>schema/examples/</code>.</p>
<textarea id="q">${sample}</textarea>
<p><label>Authorization: <input id="auth" size="60" placeholder="Bearer …"></label> <button id="run">Run</button></p>
<pre id="out"></pre>
<script>
document.getElementById('run').onclick = async () => {
  const headers = { 'content-type': 'application/json' };
  const auth = document.getElementById('auth').value.trim();
  if (auth) headers.authorization = auth;
  const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: document.getElementById('q').value }) });
  document.getElementById('out').textContent = JSON.stringify(await res.json(), null, 2);
};
</script></body></html>`;
}
