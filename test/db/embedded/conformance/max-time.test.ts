// maxTimeMS: a command that runs past its limit fails with 50 MaxTimeMSExpired, and the server keeps serving.
// The limit is 1 ms on a collection large enough that a scan with an $expr filter cannot finish within it.
import type { Collection, Document } from "mongodb";
import { serverError, startTarget, type Target } from "../../../support/engine-target";

let t: Target;
let big: Collection<Document>;
const N = 30_000;
/** A filter no index can answer, evaluated per document; it matches nothing. */
const SLOW_FILTER = { $expr: { $lt: [{ $add: ["$n", 1] }, 0] } };

beforeAll(async () => {
  t = await startTarget("maxtime");
  big = t.db().collection("big");
  await big.insertMany(Array.from({ length: N }, (_, n) => ({ n, label: `item-${n}` })));
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

async function expectExpired(promise: Promise<unknown>): Promise<void> {
  const error = await serverError(promise);
  expect(error).toMatchObject({ code: 50, codeName: "MaxTimeMSExpired" });
}

describe("maxTimeMS", () => {
  test("find past its limit fails with 50 MaxTimeMSExpired", async () => {
    await expectExpired(big.find(SLOW_FILTER, { maxTimeMS: 1 }).toArray());
  });

  test("aggregate, count and distinct past their limit fail with 50", async () => {
    await expectExpired(big.aggregate([{ $match: SLOW_FILTER }, { $count: "n" }], { maxTimeMS: 1 }).toArray());
    await expectExpired(t.db().command({ count: "big", query: SLOW_FILTER, maxTimeMS: 1 }));
    await expectExpired(t.db().command({ distinct: "big", key: "label", query: SLOW_FILTER, maxTimeMS: 1 }));
  });

  test("findAndModify past its limit fails with 50 and changes nothing", async () => {
    await expectExpired(big.findOneAndUpdate(SLOW_FILTER, { $set: { touched: true } }, { maxTimeMS: 1 }));
    expect(await big.countDocuments({ touched: true })).toBe(0);
  });

  test("the same commands with a limit they stay within succeed, and the server keeps serving after an expiry", async () => {
    await expectExpired(big.find(SLOW_FILTER, { maxTimeMS: 1 }).toArray());
    expect(await t.db().command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(await big.find(SLOW_FILTER, { maxTimeMS: 600_000 }).toArray()).toEqual([]);
    expect(await big.countDocuments({ n: { $lt: 10 } }, { maxTimeMS: 600_000 })).toBe(10);
  });

  test("a negative maxTimeMS is refused with BadValue", async () => {
    const error = await serverError(t.db().command({ find: "big", filter: {}, maxTimeMS: -1 }));
    expect(error.code).toBe(2);
  });
});
