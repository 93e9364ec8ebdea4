// The Settings page (owner only) in Chromium, and the API it stands on: testProviderKey (a one-token call through
// the provider clients, here to local stub servers: nothing reaches the internet) and the backups query.
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { sha256 } from "../../src/security/secrets";
import { startAnthropicStub, startOpenAIStub, type ProviderStub } from "../support/ai-stubs";
import {
  newPage,
  pageProblems,
  screenshot,
  seriousAccessibilityViolations,
  signIn,
  signedInPage,
  startAdminHarness,
  type AdminHarness,
} from "../support/admin-browser";
import { bearer, startTestPlatform } from "../support/platform";

jest.setTimeout(120_000);

let harness: AdminHarness;
let stubs: { openai: ProviderStub; anthropic: ProviderStub; deepseek: ProviderStub };
let backupDir: string;

const TEST_KEY = `mutation ($provider: String!) { testProviderKey(provider: $provider) { provider ok model latencyMs keySource message } }`;
const BACKUPS = `{ backups { enabled directory every everyHours keep lastAt lastFile lastBytes nextAt files { name sizeBytes createdAt } } }`;

interface KeyTest {
  provider: string;
  ok: boolean;
  model: string;
  latencyMs: number;
  keySource: string;
  message: string;
}
interface Backups {
  enabled: boolean;
  directory: string | null;
  every: string | null;
  everyHours: number | null;
  keep: number | null;
  lastAt: string | null;
  lastFile: string | null;
  lastBytes: number | null;
  nextAt: string | null;
  files: Array<{ name: string; sizeBytes: number; createdAt: string }>;
}

beforeAll(async () => {
  const [openai, anthropic, deepseek] = await Promise.all([startOpenAIStub(), startAnthropicStub(), startOpenAIStub()]);
  stubs = { openai, anthropic, deepseek };
  backupDir = await mkdtemp(path.join(os.tmpdir(), "chatello-settings-backups-"));
  // No *_API_KEY: every key this file uses is set through the API or the page.
  harness = await startAdminHarness({
    env: {
      OPENAI_BASE_URL: openai.baseUrl,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      DEEPSEEK_BASE_URL: deepseek.baseUrl,
      BACKUP_DIR: backupDir,
      BACKUP_EVERY: "24h",
      BACKUP_KEEP: "5",
    },
  });
}, 120_000);

afterAll(async () => {
  await harness?.stop();
  await Promise.all(Object.values(stubs ?? {}).map((stub) => stub.close()));
  if (backupDir) await rm(backupDir, { recursive: true, force: true });
});

beforeEach(() => {
  for (const stub of Object.values(stubs)) stub.reset();
});

async function setKey(provider: string, apiKey: string): Promise<void> {
  const set = await harness.graphql(`mutation ($p: String!, $k: String!) { setProviderKey(provider: $p, apiKey: $k) { keyLast4 } }`, {
    p: provider,
    k: apiKey,
  });
  expect(set.errors).toBeUndefined();
}

async function testKey(provider: string, role: AdminRole | `${AdminRole}` = "owner") {
  return harness.graphql<{ testProviderKey: KeyTest }>(TEST_KEY, { provider }, role);
}

/** The scheduler backs up once when the platform starts (the current slot); waits for it to be recorded. */
async function backupsOnceWritten(): Promise<Backups> {
  for (;;) {
    const answer = await harness.graphql<{ backups: Backups }>(BACKUPS);
    expect(answer.errors).toBeUndefined();
    const backups = answer.data?.backups as Backups;
    if (backups.lastAt !== null) return backups;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the API behind Settings", () => {
  test("testProviderKey and backups are the owner's only; anonymous callers are asked to authenticate", async () => {
    for (const role of ["admin", "support", "readonly"] as const) {
      const tested = await testKey("openai", role);
      const backups = await harness.graphql(BACKUPS, {}, role);
      expect({ role, tested: tested.errors?.[0]?.extensions?.code, backups: backups.errors?.[0]?.extensions?.code }).toEqual({
        role,
        tested: "FORBIDDEN",
        backups: "FORBIDDEN",
      });
    }
    const anonymous = await harness.platform.graphql(TEST_KEY, { provider: "openai" });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(stubs.openai.requests).toHaveLength(0);
  });

  test("an unknown provider is refused with the list of providers; a provider without a key is answered in words", async () => {
    const unknown = await testKey("mistral");
    expect(unknown.errors?.[0]).toMatchObject({
      message: "provider must be one of openai, anthropic, deepseek",
      extensions: { code: "BAD_USER_INPUT" },
    });
    const none = await testKey("deepseek");
    expect(none.data?.testProviderKey).toEqual({
      provider: "deepseek",
      ok: false,
      model: "deepseek-chat",
      latencyMs: 0,
      keySource: "none",
      message: "No DeepSeek key: set one here, or DEEPSEEK_API_KEY in the environment.",
    });
    expect(stubs.deepseek.requests).toHaveLength(0);
    const sources = await harness.graphql<{ providerKeySources: unknown[] }>(`{ providerKeySources { provider keySource defaultModel } }`);
    expect(sources.data?.providerKeySources).toContainEqual({ provider: "deepseek", keySource: "none", defaultModel: "deepseek-chat" });
  });

  test("a good key passes with one call of one output token to the default model; a refused key fails with the provider's message, never the key", async () => {
    const key = "sk-ant-settings-good-5678";
    await setKey("anthropic", key);
    const good = (await testKey("anthropic")).data?.testProviderKey as KeyTest;
    expect(good).toMatchObject({ provider: "anthropic", ok: true, model: "claude-3-haiku-20240307", keySource: "stored" });
    expect(good.message).toBe(`Anthropic accepted the key: claude-3-haiku-20240307 answered in ${good.latencyMs} ms.`);
    expect(stubs.anthropic.requests).toHaveLength(1);
    const [sent] = stubs.anthropic.requests;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe(key);
    expect(sent.body).toMatchObject({ model: "claude-3-haiku-20240307", max_tokens: 1 });

    // The provider refuses the key, quoting it (as some do): the message is the provider's, with the key cut out.
    stubs.anthropic.behave({
      mode: "error",
      errorStatus: 401,
      errorBody: JSON.stringify({ type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${key}` } }),
    });
    const refused = (await testKey("anthropic")).data?.testProviderKey as KeyTest;
    expect(refused).toMatchObject({ provider: "anthropic", ok: false, keySource: "stored" });
    expect(refused.message).toBe("Anthropic refused the call (HTTP 401): invalid x-api-key [the key]");
    expect(JSON.stringify(refused)).not.toContain(key);

    const logged = await harness.platform.services.models.ActivityLog.find({ action: "provider_key.tested" }).lean().exec();
    expect(logged.map((entry) => (entry.details as { ok: boolean }).ok)).toEqual(expect.arrayContaining([true, false]));
    expect(JSON.stringify(logged)).not.toContain(key);
  });

  test("a key's uses are the provider calls logged since it was saved (calls before it belong to the key it replaced)", async () => {
    await setKey("deepseek", "sk-deepseek-settings-uses-4321");
    const saved = await harness.platform.services.models.ApiKey.findOne({ provider: "deepseek" }).lean().exec();
    const savedAt = (saved?.updated_at as Date).getTime();
    const license = await harness.platform.services.models.License.findOne({}, { _id: 1 }).lean().exec();
    const licenseId = license?._id;
    const call = (at: number) => ({
      license_id: licenseId,
      endpoint: "/api/chat/deepseek",
      provider: "deepseek",
      created_at: new Date(at),
    });
    await harness.platform.services.models.UsageLog.create([call(savedAt - 60_000), call(savedAt + 1_000), call(savedAt + 2_000)]);

    const listed = await harness.graphql<{ providerKeys: Array<{ provider: string; usageCount: number; lastUsed: string | null }> }>(
      `{ providerKeys { provider usageCount lastUsed } }`,
    );
    expect(listed.data?.providerKeys.find((key) => key.provider === "deepseek")).toEqual({
      provider: "deepseek",
      usageCount: 2,
      lastUsed: new Date(savedAt + 2_000).toISOString(),
    });
  });

  test("backups: on, with the configuration, the last backup the scheduler recorded, the next slot and the files in BACKUP_DIR", async () => {
    const backups = await backupsOnceWritten();
    const names = (await readdir(backupDir))
      .filter((name) => name.endsWith(".ejson.gz"))
      .sort()
      .reverse();
    const sizes = await Promise.all(names.map(async (name) => (await stat(path.join(backupDir, name))).size));
    expect(backups).toMatchObject({ enabled: true, directory: backupDir, every: "24h", everyHours: 24, keep: 5, lastFile: names[0] });
    expect(backups.files.map((file) => [file.name, file.sizeBytes])).toEqual(names.map((name, i) => [name, sizes[i]]));
    expect(backups.lastBytes).toBe(sizes[0]);
    const day = 24 * 3_600_000;
    expect(Date.parse(backups.nextAt as string) % day).toBe(0);
    expect(Date.parse(backups.nextAt as string)).toBeGreaterThan(Date.parse(backups.lastAt as string));
  });
});

describe("the Settings page", () => {
  async function settingsPage(role: AdminRole | `${AdminRole}` = "owner"): Promise<Awaited<ReturnType<typeof signedInPage>>> {
    const opened = await signedInPage(harness, role, "/admin/settings");
    if (role === "owner") await opened.page.getByRole("table", { name: "Provider keys" }).waitFor();
    return opened;
  }

  function providerRow(page: Page, label: string) {
    return page.getByRole("table", { name: "Provider keys" }).getByRole("row").filter({ hasText: label });
  }

  test("the owner sets a key in a password field: the database holds it encrypted, the page shows only its last 4", async () => {
    const { context, page } = await settingsPage();
    const key = "sk-proj-settings-page-key-9abc";
    await expect(providerRow(page, "OpenAI").textContent()).resolves.toBe(
      "OpenAINone storedNo keygpt-4o-mini———Set key for OpenAITest key for OpenAI",
    );
    await page.getByRole("button", { name: "Set key for OpenAI" }).click();
    const field = page.getByLabel("OpenAI API key");
    expect(await field.getAttribute("type")).toBe("password");
    await field.fill(key);
    await page.getByRole("button", { name: "Save key" }).click();
    await expect(page.getByRole("status").filter({ hasText: "OpenAI key saved" }).textContent()).resolves.toContain("ends in 9abc");

    const stored = await harness.platform.services.models.ApiKey.findOne({ provider: "openai" }).lean().exec();
    expect(stored?.key_encrypted).not.toContain(key);
    expect(harness.platform.services.secrets.decrypt(stored?.key_encrypted as string)).toBe(key);
    await providerRow(page, "OpenAI").getByText("•••• 9abc").waitFor();
    await expect(providerRow(page, "OpenAI").getByText("active").count()).resolves.toBe(1);
    expect(await page.content()).not.toContain(key);
    expect(await page.getByRole("button", { name: "Replace key for OpenAI" }).count()).toBe(1);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("testing a key: a good key works; a key the provider refuses shows the provider's message", async () => {
    await setKey("openai", "sk-proj-settings-test-key-0001");
    const { context, page } = await settingsPage();
    await page.getByRole("button", { name: "Test key for OpenAI" }).click();
    const works = page.getByRole("status").filter({ hasText: "OpenAI test" });
    await expect(works.textContent()).resolves.toContain("the key works. OpenAI accepted the key: gpt-4o-mini answered in");
    expect(
      stubs.openai.requests.map((request) => [request.headers.authorization, (request.body as { max_tokens: number }).max_tokens]),
    ).toEqual([["Bearer sk-proj-settings-test-key-0001", 1]]);

    stubs.openai.behave({
      mode: "error",
      errorStatus: 401,
      errorBody: JSON.stringify({
        error: {
          message: "Incorrect API key provided: sk-proj-****0001.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      }),
    });
    await page.getByRole("button", { name: "Test key for OpenAI" }).click();
    const refused = page.getByRole("alert").filter({ hasText: "OpenAI test" });
    await expect(refused.textContent()).resolves.toBe(
      "OpenAI test: the key failed. OpenAI refused the call (HTTP 401): Incorrect API key provided: sk-proj-****0001.",
    );
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("a new support token is shown once (with copy), signs in elsewhere, is gone after a reload, and stops working when revoked", async () => {
    const { context, page } = await settingsPage();
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByLabel("Name").fill("Support: Anna");
    await page.getByLabel("Role").selectOption("support");
    await page.getByRole("dialog").getByRole("button", { name: "Create token" }).click();

    const shown = page.getByLabel("New admin token");
    await shown.waitFor();
    const token = await shown.inputValue();
    expect(token).toMatch(/^chk_s_[0-9A-Za-z]{32}$/);
    await expect(page.getByText("it will not be shown again").count()).resolves.toBe(1);
    const created = await harness.platform.services.models.Admin.findOne({ token_digest: sha256(token) })
      .lean()
      .exec();
    expect(created).toMatchObject({ name: "Support: Anna", role: "support", revoked_at: null });
    await page.getByRole("button", { name: "Copy token" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(token);

    const elsewhere = await newPage(harness);
    await signIn(elsewhere.page, token);
    await expect(elsewhere.page.getByText("Support: Anna (support)").count()).resolves.toBe(1);
    await elsewhere.context.close();

    await page.reload();
    await page.getByRole("table", { name: "Admin tokens, newest first" }).waitFor();
    expect(await page.getByLabel("New admin token").count()).toBe(0);
    expect(await page.content()).not.toContain(token);

    await page.getByRole("button", { name: "Revoke the token Support: Anna" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke the token “Support: Anna”?" });
    await expect(dialog.textContent()).resolves.toContain("This cannot be undone.");
    expect(await dialog.getByText("This is the token you are signed in with").count()).toBe(0);
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await page.getByText("The token “Support: Anna” is revoked: it no longer works.").waitFor();

    const revoked = await harness.platform.services.models.Admin.findById(created?._id).lean().exec();
    expect(revoked?.revoked_at).toBeInstanceOf(Date);
    const refused = await harness.platform.graphql(`{ viewer { kind } licenses(first: 1) { edges { node { id } } } }`, {}, bearer(token));
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    // The list reloads after the revocation: the row then says since when.
    await page.getByRole("row").filter({ hasText: "Support: Anna" }).getByText("revoked").waitFor();
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("revoking the token you are signed in with warns first, then signs you out", async () => {
    const token = await harness.platform.token(AdminRole.owner);
    const { context, page } = await newPage(harness);
    await signIn(page, token, "/admin/settings");
    const mine = await harness.platform.services.admins.authenticate(token);
    const name = mine?.name as string;
    await page
      .getByRole("row")
      .filter({ hasText: `${name} (you)` })
      .getByRole("button", { name: `Revoke the token ${name}` })
      .first()
      .click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.textContent()).resolves.toContain("This is the token you are signed in with.");
    await dialog.getByRole("button", { name: "Revoke and sign out" }).click();
    await page.getByLabel("Admin token", { exact: true }).waitFor();
    await expect(page.getByText("You revoked the token you were signed in with.").count()).resolves.toBe(1);
    expect((await harness.platform.services.models.Admin.findById(mine?._id).lean().exec())?.revoked_at).toBeInstanceOf(Date);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("the backups section shows the API's figures; the page is accessible, and readable on a phone", async () => {
    const backups = await backupsOnceWritten();
    const { context, page } = await settingsPage();
    const files = page.getByRole("table", { name: "Backup files, newest first" });
    await files.waitFor();
    const rows = await files.getByRole("row").allTextContents();
    expect(rows.slice(1).map((row) => backups.files.some((file) => row.includes(file.name)))).toEqual(backups.files.map(() => true));
    const expected = (await page.evaluate(
      `[${JSON.stringify(backups.lastAt)}, ${JSON.stringify(backups.nextAt)}].map((iso) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)))`,
    )) as [string, string];
    const section = page.getByRole("region", { name: "Backups" });
    const text = (await section.textContent()) as string;
    expect(text).toContain(`Last backup${expected[0]}`);
    expect(text).toContain(`Next backup${expected[1]}`);
    expect(text).toContain(`${backups.lastFile}:`);
    expect(text).toContain("Every 24h, keeping the newest 5");
    expect(text).toContain(backupDir);

    await screenshot(page, "settings");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Create token" }).click();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    expect(pageProblems(page)).toEqual([]);
    await context.close();
  });

  test("admin, support and readonly do not see Settings in the navigation, and /admin/settings tells them so without errors", async () => {
    for (const role of ["admin", "support", "readonly"] as const) {
      const { context, page } = await signedInPage(harness, role, "/admin/settings");
      const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
      expect({ role, settingsLink: links.includes("Settings") }).toEqual({ role, settingsLink: false });
      await expect(page.getByRole("alert").textContent()).resolves.toBe(
        "Your role cannot see the settings. Ask an owner for a token with more rights.",
      );
      expect(await page.getByRole("table").count()).toBe(0);
      expect({ role, problems: pageProblems(page) }).toEqual({ role, problems: [] });
      await context.close();
    }
  });
});

describe("backups off", () => {
  test("the page says backups are off and how to turn them on; a key from the environment is named, not shown", async () => {
    // A second platform without BACKUP_DIR, opened in this file's browser (no second browser, no demo data needed).
    const off = await startTestPlatform({ env: { DEEPSEEK_API_KEY: "sk-env-deepseek-0000" } });
    try {
      const owner = bearer(await off.token(AdminRole.owner));
      const answer = await off.graphql<{ backups: Backups }>(BACKUPS, {}, owner);
      expect(answer.data?.backups).toMatchObject({ enabled: false, directory: null, lastAt: null, nextAt: null, files: [] });
      const { context, page } = await newPage({ ...harness, platform: off });
      await signIn(page, owner.authorization.slice("Bearer ".length), "/admin/settings");
      const section = page.getByRole("region", { name: "Backups" });
      await section.getByText("Scheduled backups are off.").waitFor();
      const text = (await section.textContent()) as string;
      for (const name of ["BACKUP_DIR", "BACKUP_EVERY", "BACKUP_KEEP"]) expect(text).toContain(name);
      // This platform's DeepSeek key comes from the environment: the page says so, and shows nothing of it.
      const deepseek = page.getByRole("table", { name: "Provider keys" }).getByRole("row").filter({ hasText: "DeepSeek" });
      await expect(deepseek.textContent()).resolves.toContain("From DEEPSEEK_API_KEY");
      expect(await page.content()).not.toContain("sk-env-deepseek-0000");
      expect(pageProblems(page)).toEqual([]);
      await context.close();
    } finally {
      await off.stop();
    }
  });
});
