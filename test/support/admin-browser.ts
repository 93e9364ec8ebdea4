// The admin dashboard in a real browser: the platform (in-process, embedded engine, demo data) serving /admin, and
// Debian's Chromium driven through playwright-core (Playwright's own browser download cannot work here).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { defaultDashboardDir } from "../../src/admin/admin.route";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { SetupService, type DemoLicense } from "../../src/modules/setup/setup.service";
import { bearer, startTestPlatform, type GraphQLResponse, type TestPlatform } from "./platform";

export const CHROMIUM = "/usr/bin/chromium";
const ROOT = path.resolve(__dirname, "../..");
/** Screenshots of every page, for review and the README (git-ignored). */
export const SCREENSHOTS = path.join(ROOT, "test-output", "admin");

export interface AdminHarness {
  platform: TestPlatform;
  browser: Browser;
  /** One token per role, created before the browser starts. */
  tokens: Record<AdminRole, string>;
  /** The demo licenses (`platform setup sample`): one per plan, with their keys. */
  demo: DemoLicense[];
  /** A GraphQL call as the given role, to compare what a page shows with what the API says. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    role?: AdminRole | `${AdminRole}`,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** Builds the dashboard when it is missing or older than its sources (`npm test` builds it already). */
export async function ensureDashboardBuilt(): Promise<string> {
  const dir = defaultDashboardDir();
  const index = path.join(dir, "index.html");
  const newestSource = newest(path.join(ROOT, "src", "admin"));
  if (!existsSync(index) || statSync(index).mtimeMs < newestSource) {
    await promisify(execFile)(process.execPath, [path.join(ROOT, "src/admin/build.mjs")], { cwd: ROOT, timeout: 120_000 });
  }
  return dir;
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

export async function startAdminHarness(options: { env?: Record<string, string> } = {}): Promise<AdminHarness> {
  await ensureDashboardBuilt();
  const platform = await startTestPlatform({ env: options.env });
  const { licenses: demo } = await new SetupService(platform.services).sample();
  const tokens = {} as Record<AdminRole, string>;
  for (const role of Object.values(AdminRole)) tokens[role] = await platform.token(role);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  return {
    platform,
    browser,
    tokens,
    demo,
    graphql: (query, variables, role = AdminRole.owner) => platform.graphql(query, variables, bearer(tokens[role as AdminRole])),
    async stop() {
      await browser.close();
      await platform.stop();
    },
  };
}

/**
 * A fresh browser context (its own sessionStorage) at /admin/. bypassCSP only so the accessibility check can inject
 * axe-core; the app itself runs under the platform's CSP in every other respect.
 */
export async function newPage(
  harness: AdminHarness,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await harness.browser.newContext({ viewport, bypassCSP: true, baseURL: harness.platform.baseUrl });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  (page as Page & { problems?: string[] }).problems = problems;
  return { context, page };
}

/** The uncaught errors and console errors the page has had so far (a healthy page has none). */
export function pageProblems(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

/** Signs in through the form, as a person would, and waits for the main navigation. */
export async function signIn(page: Page, token: string, at = "/admin/"): Promise<void> {
  await page.goto(at);
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

export async function signedInPage(
  harness: AdminHarness,
  role: AdminRole | `${AdminRole}`,
  at = "/admin/",
): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await newPage(harness);
  await signIn(opened.page, harness.tokens[role as AdminRole], at);
  return opened;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's WCAG 2 A/AA rules on the page as it is now; returns the serious and critical violations. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = (await page.evaluate(`
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }).then((result) =>
      result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) })),
    )
  `)) as AxeViolation[];
  return violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}
