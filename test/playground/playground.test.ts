import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Fastify from "fastify";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { defaultPlaygroundDir, PLAYGROUND_CSP, registerPlayground } from "../../src/playground/playground.route";
import { ensurePlaygroundBuilt } from "../support/playground-bundle";
import { Chromium } from "../support/playground-chromium";
import { Page } from "../support/playground-page";
import { startPlaygroundPlatform, type PlaygroundPlatform } from "../support/playground-platform";

const NOT_FOUND = { error: "Not found", code: "NOT_FOUND" };

// The real app (with /graphql) on an in-memory engine, started once for the route tests and the browser test.
let dir: string;
let platform: PlaygroundPlatform;
beforeAll(async () => {
  dir = await ensurePlaygroundBuilt();
  platform = await startPlaygroundPlatform(dir);
  await platform.listen();
});
afterAll(() => platform?.stop());

describe("playground routes", () => {
  it("finds the bundle under dist/ from the source file too", () => {
    expect(defaultPlaygroundDir()).toBe(path.resolve(__dirname, "../../dist/playground/public"));
  });

  it("redirects /playground to /playground/, where the page's relative URLs resolve", async () => {
    const response = await platform.app.inject({ url: "/playground" });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe("/playground/");
  });

  it("serves index.html with no-cache, a CSP and an ETag", async () => {
    const response = await platform.app.inject({ url: "/playground/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.headers["content-security-policy"]).toBe(PLAYGROUND_CSP);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.body).toContain("<title>Chatello GraphQL playground</title>");
    expect(response.body).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from another host

    const again = await platform.app.inject({ url: "/playground/", headers: { "if-none-match": String(response.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
  });

  it("serves the scripts byte for byte as JavaScript", async () => {
    for (const name of ["main.js", "graphql.worker.js"]) {
      const response = await platform.app.inject({ url: `/playground/${name}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(response.rawPayload.equals(readFileSync(path.join(dir, name)))).toBe(true);
    }
  });

  it("answers an unknown file with the app's own JSON 404", async () => {
    const response = await platform.app.inject({ url: "/playground/nope.js" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(NOT_FOUND);
  });

  it.each([
    "/playground/..%2fpackage.json",
    "/playground/..%2F..%2Fpackage.json",
    "/playground/%2e%2e%2fbuild.mjs",
    "/playground/../package.json",
  ])("serves nothing outside the bundle: %s", async (url) => {
    const response = await platform.app.inject({ url });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain("chatello-platform");
  });
});

describe("playground without a built bundle", () => {
  it("warns once to run `npm run build` and registers no route", async () => {
    const app = Fastify();
    const warnings: unknown[][] = [];
    await registerPlayground(app, {
      dir: path.join(os.tmpdir(), "no-such-playground-bundle"),
      logger: { warn: (...args: unknown[]) => void warnings.push(args) },
    });

    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain("npm run build");
    for (const url of ["/playground", "/playground/", "/playground/main.js"]) {
      expect((await app.inject({ url })).statusCode).toBe(404);
    }
    await app.close();
  });
});

describe("playground in headless Chromium", () => {
  // Written on every run so a person can look at what the test saw; not part of the repository.
  const screenshotFile = path.join(os.tmpdir(), "chatello-playground.png");
  let browser: Chromium;
  let page: Page;

  beforeAll(async () => {
    browser = await Chromium.launch();
    page = await Page.open(browser);
  });
  afterAll(() => browser?.close());

  it("renders GraphiQL from local files only and runs a query with the admin token typed into the Headers tab", async () => {
    const { origin } = platform;
    const token = await platform.token(AdminRole.support);
    await page.navigate(`${origin}/playground`);

    // Rendered: the operation, variables, headers and response editors are Monaco instances with their defaults.
    await page.waitFor("GraphiQL to render", `document.querySelectorAll(".graphiql-container .monaco-editor").length >= 4`);
    expect(await page.evaluate<string>("location.href")).toBe(`${origin}/playground/`);
    expect(await page.evaluate<string>("document.title")).toBe("Chatello GraphQL playground");
    const headersEditor = `.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden)`;
    await page.waitFor("the default query", editorText(".graphiql-query-editor") + `.includes("viewer")`);
    expect(await page.evaluate<string>(editorText(headersEditor))).toContain(`// "Authorization": "Bearer chk_..."`);

    // Type a query and the token as a user would: click into each editor, select all, type.
    await page.click(".graphiql-query-editor .monaco-editor .view-lines");
    await page.replaceFocusedText("{ viewer { kind role } }");
    await page.click(`${headersEditor} .monaco-editor .view-lines`);
    await page.replaceFocusedText(`{"Authorization": "Bearer ${token}"}`);
    // Monaco renders asynchronously: wait for what was typed rather than reading it at once.
    await page.waitFor("the typed query", `${editorText(".graphiql-query-editor")} === "{ viewer { kind role } }"`);

    await page.click(".graphiql-execute-button");
    const resultText = await page.waitFor<string>(
      "the result",
      `(() => { const t = ${editorText(".result-window")}; return t.includes("viewer") && t; })()`,
    );
    expect(JSON.parse(resultText)).toEqual({ data: { viewer: { kind: "admin", role: "support" } } });

    await page.screenshot(screenshotFile);

    // Offline: every request went to the local server (data: URLs are inline content, not requests to a host).
    const remote = page.requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith("data:"));
    expect(remote).toEqual([]);
    const paths = new Set(page.requests.map((url) => url.replace(origin, "")));
    for (const expected of [
      "/playground",
      "/playground/",
      "/playground/main.js",
      "/playground/main.css",
      "/playground/graphql.worker.js",
      "/graphql",
    ]) {
      expect(paths).toContain(expected);
    }
    // The CSP let everything the page needs through, and nothing else went wrong.
    expect(await page.evaluate<string[]>("window.__cspViolations")).toEqual([]);
    expect(page.problems).toEqual([]);
  });

  it("loads the schema from /graphql for the docs (introspection is not held to the depth limit)", async () => {
    // Uses the page the previous test loaded.
    await page.click(`.graphiql-sidebar button[aria-label="Show Documentation Explorer"]`);
    await page.waitFor("the docs", `document.querySelector(".graphiql-doc-explorer")?.innerText.includes("Mutation")`, 3000);
  });
});

/** A page expression: the text of the Monaco editor inside `container`, with its no-break spaces made plain. */
function editorText(container: string): string {
  return `(document.querySelector(${JSON.stringify(`${container} .view-lines`)})?.innerText ?? "").replace(/\\u00a0/g, " ")`;
}
