import { SetupService } from "../../../src/modules/setup/setup.service";
import { activationCounts, newLicense } from "../../support/fixtures";
import { expectLicensingInvariants, licensingMismatches } from "../../support/invariants";
import { startTestPlatform, type TestPlatform } from "../../support/platform";
import { SYSTEM_ACTOR } from "../../../src/modules/activity/activity.service";

// Counters left wrong by data written before seats moved in transactions (or imported) are repaired at boot.
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  await p.stop();
});

test("setup init (run at every boot) sets active_sites and lifetime_sold back to the records they count", async () => {
  const { license } = await newLicense(p, "pro");
  await p.services.activations.activate(license, await p.services.plans.byName("pro"), "https://a.example.com", SYSTEM_ACTOR);
  await newLicense(p, "founders");
  const { models } = p.services;
  await models.License.updateOne({ _id: license._id }, { $set: { active_sites: 3 } }).exec();
  await models.Plan.updateOne({ name: "founders" }, { $inc: { lifetime_sold: 2 } }).exec();
  expect(await licensingMismatches(models)).toMatchObject({
    seats: [{ activeSites: 3, activations: 1 }],
    lifetime: [{ plan: "founders" }],
  });

  const { countersRepaired } = await new SetupService(p.services).init();

  expect(countersRepaired).toEqual({ seats: 1, lifetimeSold: 1 });
  expect(await activationCounts(p, license._id)).toEqual({ all: 1, seated: 1 });
  await expectLicensingInvariants(models);
  expect((await new SetupService(p.services).init()).countersRepaired).toEqual({ seats: 0, lifetimeSold: 0 });
});
