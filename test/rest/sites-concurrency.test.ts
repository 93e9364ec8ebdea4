import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { activationCounts, newLicense, newPlan, storedLicense } from "../support/fixtures";
import { http, type HttpResult } from "../support/http";
import { expectLicensingInvariants } from "../support/invariants";

// Seat atomicity (plugin contract §5 "Atomicity", K7/K8) and downgrades, over real concurrent HTTP requests.
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
// After every race, every license's seat counter equals its activations, and lifetime sales their licenses.
afterEach(async () => {
  await expectLicensingInvariants(p.services.models);
});
afterAll(async () => {
  await p.stop();
});

const activate = (key: string, site: string): Promise<HttpResult> =>
  http(p.baseUrl, "POST", "/api/activate", { key, json: { site_url: site } });
const deactivate = (key: string, site: string): Promise<HttpResult> =>
  http(p.baseUrl, "POST", "/api/deactivate", { key, json: { site_url: site } });

/** The invariant of §5: the license's active_sites equals its non-development activations, and never exceeds the seats. */
async function expectConsistent(licenseId: Parameters<typeof storedLicense>[1], maxSites: number): Promise<number> {
  const { seated } = await activationCounts(p, licenseId);
  expect((await storedLicense(p, licenseId)).active_sites).toBe(seated);
  expect(seated).toBeLessThanOrEqual(maxSites);
  return seated;
}

describe("concurrent activations", () => {
  it("20 different sites on a 3-seat license: exactly 3 succeed and 17 get 403 TOO_MANY_SITES", async () => {
    const plan = await newPlan(p, { max_sites: 3 });
    const { key, license } = await newLicense(p, plan.name);
    const responses = await Promise.all(Array.from({ length: 20 }, (_unused, i) => activate(key, `site${i}.example.com`)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(3).fill(200), ...Array(17).fill(403)]);
    for (const refused of responses.filter((response) => response.status === 403)) {
      expect(refused.body).toMatchObject({ error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: 3 });
    }
    const winners = responses
      .filter((response) => response.status === 200)
      .map((response) => response.body.site_url)
      .sort();
    const stored = (await p.services.models.Activation.find({ license_id: license._id }).lean().exec())
      .map((activation) => activation.site)
      .sort();
    expect(stored).toEqual(winners);
    expect(await expectConsistent(license._id, 3)).toBe(3);
  });

  it("the seeded pro plan (max_sites 3) behaves the same", async () => {
    const { key, license } = await newLicense(p, "pro");
    const responses = await Promise.all(Array.from({ length: 20 }, (_unused, i) => activate(key, `https://www.pro${i}.example.com/`)));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(3);
    expect(responses.filter((response) => response.status === 403)).toHaveLength(17);
    expect(await expectConsistent(license._id, 3)).toBe(3);
  });

  it("development sites are not limited by the race: 10 dev + 10 real sites on 3 seats → 13 activations", async () => {
    const { key, license } = await newLicense(p, "pro");
    const sites = Array.from({ length: 20 }, (_unused, i) => (i % 2 === 0 ? `dev${i}.example.test` : `real${i}.example.com`));
    const responses = await Promise.all(sites.map((site) => activate(key, site)));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(13);
    expect(await activationCounts(p, license._id)).toEqual({ all: 13, seated: 3 });
    expect(await expectConsistent(license._id, 3)).toBe(3);
  });

  it("the SAME site 20 times at once: one activation document, every call 200 (K8)", async () => {
    const { key, license } = await newLicense(p, "pro");
    const responses = await Promise.all(Array.from({ length: 20 }, () => activate(key, "same.example.com")));
    expect(responses.map((response) => `${response.status} ${String(response.body.code ?? "")}`)).toEqual(Array(20).fill("200 "));
    expect(responses.filter((response) => response.body.already_active === false)).toHaveLength(1);
    const activatedAt = new Set(responses.map((response) => response.body.activated_at));
    expect(activatedAt.size).toBe(1);
    expect(await activationCounts(p, license._id)).toEqual({ all: 1, seated: 1 });
    expect(await expectConsistent(license._id, 3)).toBe(1);
  });

  it("the same site 20 times at once on a 1-seat license (starter): one activation, every call 200", async () => {
    const { key, license } = await newLicense(p, "starter");
    const responses = await Promise.all(Array.from({ length: 20 }, () => activate(key, "only.example.com")));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(await activationCounts(p, license._id)).toEqual({ all: 1, seated: 1 });
    expect(await expectConsistent(license._id, 1)).toBe(1);
  });

  it("30 mixed activate/deactivate calls on a 3-seat license: never more than 3 seated activations, counter = documents", async () => {
    const { key, license } = await newLicense(p, "pro");
    await activate(key, "pool0.example.com");
    await activate(key, "pool1.example.com");
    const pool = [
      "pool0.example.com",
      "pool1.example.com",
      "pool2.example.com",
      "pool3.example.com",
      "pool4.example.com",
      "pool5.example.com",
      "staging.pool.example.com",
    ];
    let sampling = true;
    const samples: number[] = [];
    const sampler = (async () => {
      while (sampling) {
        samples.push((await activationCounts(p, license._id)).seated);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const calls = Array.from({ length: 30 }, (_unused, i) => {
      const site = pool[(i * 5) % pool.length];
      return i % 3 === 2 ? deactivate(key, site) : activate(key, site);
    });
    const responses = await Promise.all(calls);
    sampling = false;
    await sampler;
    const unexpected = responses
      .filter((response) => response.status !== 200 && response.status !== 403)
      .map((response) => `${response.status} ${response.text}`);
    expect(unexpected).toEqual([]);
    for (const response of responses.filter((one) => one.status === 403)) expect(response.body.code).toBe("TOO_MANY_SITES");
    expect(samples.length).toBeGreaterThan(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(3);
    await expectConsistent(license._id, 3);

    // Settled state answers consistently too: /api/sites agrees with the documents.
    const listed = await http(p.baseUrl, "GET", "/api/sites", { key });
    const { seated, all } = await activationCounts(p, license._id);
    expect(listed.body).toMatchObject({ active_sites: seated, development_sites: all - seated, max_sites: 3, sites_remaining: 3 - seated });
    expect(listed.body.sites).toHaveLength(all);
  });
});

describe("plan downgrade (§5: existing activations stay, new ones are refused)", () => {
  it("lowering max_sites below the active count keeps the sites and refuses a new one until enough seats are free", async () => {
    const plan = await newPlan(p, { max_sites: 3 });
    const { key, license } = await newLicense(p, plan.name);
    for (const site of ["a.example.com", "b.example.com", "c.example.com"]) expect((await activate(key, site)).status).toBe(200);
    await p.services.plans.update(plan.name, { max_sites: 1 }, SYSTEM_ACTOR);

    const listed = await http(p.baseUrl, "GET", "/api/sites", { key });
    expect(listed.body).toMatchObject({ active_sites: 3, development_sites: 0, max_sites: 1, sites_remaining: 0 });
    expect((listed.body.sites as unknown[]).length).toBe(3);
    expect((await activate(key, "b.example.com")).body).toMatchObject({
      success: true,
      already_active: true,
      active_sites: 3,
      max_sites: 1,
      sites_remaining: 0,
    });
    expect((await http(p.baseUrl, "POST", "/api/validate", { key, site: "c.example.com" })).body).toMatchObject({
      valid: true,
      site: { newly_activated: false, max_sites: 1 },
    });

    const refused = await activate(key, "d.example.com");
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: 1, active_sites: 3 });
    expect((await http(p.baseUrl, "POST", "/api/validate", { key, site: "d.example.com" })).body).toEqual({
      valid: false,
      error: "Site limit reached",
      code: "TOO_MANY_SITES",
      max_sites: 1,
      active_sites: 3,
    });
    expect((await activate(key, "localhost")).status).toBe(200);

    expect((await deactivate(key, "a.example.com")).body).toMatchObject({
      deactivated: true,
      active_sites: 2,
      max_sites: 1,
      sites_remaining: 0,
    });
    expect((await activate(key, "d.example.com")).status).toBe(403);
    await deactivate(key, "b.example.com");
    expect((await activate(key, "d.example.com")).status).toBe(403);
    await deactivate(key, "c.example.com");
    expect((await activate(key, "d.example.com")).body).toMatchObject({
      success: true,
      already_active: false,
      active_sites: 1,
      max_sites: 1,
      sites_remaining: 0,
    });
    await expectConsistent(license._id, 1);
  });
});
