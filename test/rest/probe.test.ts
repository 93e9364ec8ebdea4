import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { startTestPlatform, type TestPlatform } from "../support/platform";

let p: TestPlatform;
beforeAll(async () => { p = await startTestPlatform(); });
afterAll(async () => { await p.stop(); });

async function show(label: string, path: string, init: RequestInit = {}) {
  const r = await fetch(p.baseUrl + path, init);
  const t = await r.text();
  console.log(label, r.status, JSON.stringify(Object.fromEntries(r.headers)), t.slice(-250));
}

it("probe", async () => {
  const c = await p.services.customers.create({ email: "a@example.com", name: "A" }, SYSTEM_ACTOR);
  const { key } = await p.services.licenses.issue({ customerId: c._id, plan: "founders" }, SYSTEM_ACTOR);
  await show("validate plain json", "/api/validate", { method: "POST", headers: { "x-license-key": key, "content-type": "text/plain" }, body: JSON.stringify({ site_url: "a.example.com" }) });
  await show("validate no ct", "/api/validate", { method: "POST", headers: { "x-license-key": key }, body: new TextEncoder().encode(JSON.stringify({ site_url: "b.example.com" })) });
  await show("validate empty key", "/api/validate", { method: "POST", headers: { "x-license-key": "" } });
  await show("options", "/anything", { method: "OPTIONS" });
  await show("options validate", "/api/validate", { method: "OPTIONS", headers: { origin: "https://x", "access-control-request-method": "POST" } });
  await show("413", "/api/activate", { method: "POST", headers: { "x-license-key": key, "content-type": "application/json" }, body: JSON.stringify({ site_url: "x".repeat(1024 * 1024 + 10) }) });
  await show("413 validate", "/api/validate", { method: "POST", headers: { "x-license-key": key, "content-type": "text/plain" }, body: "x".repeat(1024 * 1024 + 10) });
  await show("404", "/nope");
  await show("bad url", "/api/%E0%A4%A");
  await show("activate no ct", "/api/activate", { method: "POST", headers: { "x-license-key": key }, body: new TextEncoder().encode(JSON.stringify({ site_url: "c.example.com" })) });
  await show("activate nonutf8", "/api/activate", { method: "POST", headers: { "x-license-key": key, "content-type": "application/json" }, body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
  const { key: k2 } = await p.services.licenses.issue({ customerId: c._id, plan: "pro" }, SYSTEM_ACTOR);
  const rs = await Promise.all(Array.from({ length: 20 }, () => fetch(p.baseUrl + "/api/activate", { method: "POST", headers: { "x-license-key": k2, "content-type": "application/json" }, body: JSON.stringify({ site_url: "same.example.com" }) }).then(async (r) => `${r.status} ${await r.text()}`)));
  console.log(rs.join("\n"));
});
