// Browser entry of the offline GraphQL playground, bundled by build.mjs (esbuild) into dist/playground/public/.
// Everything it needs ships in the bundle: no CDN, so the page works on a machine without internet access.
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";

// Resolve sibling files against this script's own URL, so the page works under any prefix.
const base = new URL(".", document.currentScript?.src ?? location.href);

// GraphiQL's own worker setups target Vite, webpack or esm.sh (a CDN); build.mjs emits one IIFE per worker instead.
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const file = label === "json" ? "json.worker.js" : label === "graphql" ? "graphql.worker.js" : "editor.worker.js";
    return new Worker(new URL(file, base));
  },
};

// The playground lives at /playground/, the API at /graphql.
const endpoint = new URL("../graphql", base).pathname;

async function fetcher(params, opts) {
  const response = await fetch(endpoint, {
    method: "POST",
    // opts.headers is what the user typed into the Headers tab (the admin token).
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...opts?.headers,
    },
    body: JSON.stringify(params),
    credentials: "same-origin",
  });
  return response.json();
}

// Short lines: the operation editor is only about 55 characters wide on a laptop screen.
const defaultQuery = `# Chatello admin GraphQL API
#
# Most fields need an admin token: in the Headers
# tab below, uncomment the Authorization line and
# paste your token in place of chk_...
# Headers are not saved: paste it again after a
# reload.
#
# Run with Ctrl-Enter or the ▶ button; the docs
# are in the left sidebar. Below, kind is "admin"
# once the token is accepted.

{
  viewer {
    kind
    role
  }
}
`;

// Commented out (GraphiQL reads headers as JSON with comments): the API refuses a present-but-wrong token,
// so an active placeholder would fail every request, schema introspection included, until it is replaced.
const defaultHeaders = `{
  // "Authorization": "Bearer chk_..."
}
`;

createRoot(document.getElementById("graphiql")).render(
  <GraphiQL
    fetcher={fetcher}
    defaultQuery={defaultQuery}
    defaultHeaders={defaultHeaders}
    // Open the editor tools on the Headers tab: the token is the first thing an admin needs.
    defaultEditorToolsVisibility="headers"
    isHeadersEditorEnabled={true}
    // A token left in localStorage would outlive the session; do not persist headers.
    shouldPersistHeaders={false}
  />,
);
