import os from "node:os";
import path from "node:path";
import { Chromium } from "../support/playground-chromium";
import { Page } from "../support/playground-page";
import { startTestPlatform, type TestPlatform } from "../support/platform";

// /api/docs in headless Chromium: swagger-ui renders the document's operations from the platform's own files.
// The browser resolves no host but 127.0.0.1 (see playground-chromium.ts), and every request it makes is recorded.

let p: TestPlatform;
let browser: Chromium;
let page: Page;
beforeAll(async () => {
  p = await startTestPlatform({ env: { THROTTLE: "off" } });
  browser = await Chromium.launch();
  page = await Page.open(browser);
});
afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

test("the docs page renders every operation, loading only from the platform", async () => {
  await page.navigate(`${p.baseUrl}/api/docs`);
  await page.waitFor("the operations", `document.querySelectorAll(".opblock").length >= 14`);
  const operations = await page.evaluate<string[]>(
    `[...document.querySelectorAll(".opblock-summary")].map((e) =>
       e.querySelector(".opblock-summary-method").innerText + " " + e.querySelector(".opblock-summary-path").innerText.replace(/\\u200b/g, ""))`,
  );
  for (const expected of [
    "POST /api/validate",
    "POST /api/chat",
    "GET /api/usage/{license_key}",
    "GET /v1/models",
    "POST /v1/chat/completions",
    "GET /admin/health",
  ]) {
    expect(operations).toContain(expected);
  }
  expect(await page.evaluate<string>(`document.querySelector(".info .title").innerText`)).toContain("Chatello platform API");

  // Open one operation: its documented example is shown.
  // Scrolled into view first: a real click lands only inside the viewport.
  await page.evaluate(`document.querySelector("#operations-licenses-validateLicense").scrollIntoView({ block: "start" })`);
  await page.click(`#operations-licenses-validateLicense .opblock-summary`);
  await page.waitFor(
    "the 200 example",
    `document.querySelector("#operations-licenses-validateLicense")?.innerText.includes("founders_member")`,
  );
  await page.screenshot(path.join(os.tmpdir(), "chatello-api-docs.png"));

  const remote = page.requests.filter((url) => !url.startsWith(`${p.baseUrl}/`) && !url.startsWith("data:"));
  expect(remote).toEqual([]);
  const paths = new Set(page.requests.map((url) => url.replace(p.baseUrl, "")));
  for (const expected of ["/api/docs/static/swagger-ui-bundle.js", "/api/docs/static/swagger-ui.css", "/api/docs/json"])
    expect(paths).toContain(expected);
  // The page's CSP let through everything it needs (a violation would also be a console problem).
  expect(await page.evaluate<string[]>("window.__cspViolations")).toEqual([]);
  expect(page.problems).toEqual([]);
});
