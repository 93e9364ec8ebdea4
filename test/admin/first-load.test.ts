import type { Page } from "playwright-core";
import { newPage, signIn, startAdminHarness, type AdminHarness } from "../support/admin-browser";

/**
 * The speed goal, measured as a browser sees it: everything the first load of /admin transfers (bodies as
 * sent, gzipped, plus headers), from an empty cache, up to the signed-in overview with its GraphQL answers.
 */
jest.setTimeout(120_000);

const BUDGET_BYTES = 400 * 1024;

let harness: AdminHarness;

beforeAll(async () => {
  harness = await startAdminHarness();
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

/** Sums the bytes on the wire of every response the page receives from now on. */
function countTransfers(page: Page): { total(): Promise<{ bytes: number; responses: string[] }> } {
  const pending: Array<Promise<{ url: string; bytes: number }>> = [];
  page.on("requestfinished", (request) => {
    pending.push(request.sizes().then((sizes) => ({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize })));
  });
  return {
    async total() {
      const all = await Promise.all(pending);
      return { bytes: all.reduce((sum, one) => sum + one.bytes, 0), responses: all.map((one) => `${one.bytes} ${one.url}`) };
    },
  };
}

test("the first load of /admin, signed in to the overview, transfers at most 400 KB (gzipped on the wire)", async () => {
  const { context, page } = await newPage(harness);
  const transfers = countTransfers(page);
  await signIn(page, harness.tokens.owner);
  await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
  await page.waitForLoadState("networkidle");
  const { bytes, responses } = await transfers.total();
  console.log(`first load of /admin: ${bytes} bytes in ${responses.length} responses (budget ${BUDGET_BYTES})\n${responses.join("\n")}`);
  expect(responses.some((line) => line.endsWith("/admin/assets/main.js"))).toBe(true);
  expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  await context.close();
});

test("the bundle is served gzipped to a browser that accepts it, and revalidates to a 304", async () => {
  const url = `${harness.platform.baseUrl}/admin/assets/main.js`;
  const plain = await fetch(url, { headers: { "accept-encoding": "identity" } });
  const plainBytes = (await plain.arrayBuffer()).byteLength;
  const zipped = await fetch(url, { headers: { "accept-encoding": "gzip" } });
  expect(zipped.headers.get("content-encoding")).toBe("gzip");
  // fetch decodes the body; the decoded size is the plain one, the header says it was sent compressed.
  expect((await zipped.arrayBuffer()).byteLength).toBe(plainBytes);
  const etag = zipped.headers.get("etag") ?? "";
  const again = await fetch(url, { headers: { "if-none-match": etag } });
  expect(again.status).toBe(304);
});
