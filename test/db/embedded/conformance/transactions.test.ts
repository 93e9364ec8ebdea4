// Multi-document transactions (need a replica set): commit, abort, duplicate key, and retries of
// TransientTransactionError (a failCommand-injected WriteConflict, and a real write conflict).
import type { Collection, Document } from "mongodb";
import mongoose from "mongoose";
import {
  IS_EMBEDDED,
  serverError,
  startTarget,
  testEmbeddedOnly,
  testIf,
  testWithFailPoints,
  testWithReplicaSet,
  type Target,
} from "../../../support/engine-target";

let t: Target;
let accounts: Collection<Document>;
let ledger: Collection<Document>;

const withRs = testWithReplicaSet();
const withFailPoints = testWithFailPoints();

beforeAll(async () => {
  t = await startTarget("transactions");
  accounts = t.db().collection("accounts");
  ledger = t.db().collection("ledger");
  // Collections and indexes exist before the transactions (mongod 7 could create them inside, but need not).
  await ledger.createIndex({ ref: 1 }, { unique: true });
  await accounts.createIndex({ name: 1 }, { unique: true });
});
afterAll(async () => {
  if (t && (await t.supportsFailPoints().catch(() => false)))
    await t.client.db("admin").command({ configureFailPoint: "failCommand", mode: "off" });
  await t?.stop();
});
beforeEach(async () => {
  await accounts.deleteMany({});
  await ledger.deleteMany({});
  await accounts.insertMany([
    { name: "alice", balance: 100 },
    { name: "bob", balance: 0 },
  ]);
});

const balance = async (name: string): Promise<number | undefined> => (await accounts.findOne({ name }))?.balance as number | undefined;

describe("transactions", () => {
  testEmbeddedOnly("on MONGODB_URI the probe decides, and skipped tests say why")(
    "the embedded target announces a replica set and fail points (so nothing below is skipped there)",
    async () => {
      expect(await t.isReplicaSet()).toBe(true);
      expect(await t.supportsFailPoints()).toBe(true);
    },
  );

  withRs("withTransaction commits: writes are invisible outside until commit, then all visible", async () => {
    const session = t.client.startSession();
    const seenOutside: Array<number | undefined> = [];
    try {
      await session.withTransaction(async () => {
        await accounts.updateOne({ name: "alice" }, { $inc: { balance: -30 } }, { session });
        await accounts.updateOne({ name: "bob" }, { $inc: { balance: 30 } }, { session });
        await ledger.insertOne({ ref: "t1", amount: 30 }, { session });
        expect((await accounts.findOne({ name: "bob" }, { session }))?.balance).toBe(30); // own writes
        seenOutside.push(await balance("bob"), await ledger.countDocuments({ ref: "t1" }));
      });
    } finally {
      await session.endSession();
    }
    expect(seenOutside).toEqual([0, 0]);
    expect([await balance("alice"), await balance("bob"), await ledger.countDocuments({ ref: "t1" })]).toEqual([70, 30, 1]);
  });

  withRs("mongoose connection.transaction commits documents created with the session", async () => {
    const Entry = t.connection.model(
      "Entry",
      new mongoose.Schema({ ref: { type: String, unique: true }, amount: Number }, { collection: "ledger", autoIndex: false }),
    );
    const Account = t.connection.model(
      "Account",
      new mongoose.Schema({ name: String, balance: Number }, { collection: "accounts", autoIndex: false }),
    );
    await t.connection.transaction(async (session) => {
      await Entry.create(
        [
          { ref: "m1", amount: 5 },
          { ref: "m2", amount: 7 },
        ],
        { session, ordered: true },
      );
      await Account.updateOne({ name: "alice" }, { $inc: { balance: -12 } }, { session });
    });
    expect(await Entry.countDocuments({ ref: { $in: ["m1", "m2"] } })).toBe(2);
    expect(await balance("alice")).toBe(88);
  });

  withRs("a callback that throws aborts: nothing is written and the error reaches the caller", async () => {
    const session = t.client.startSession();
    try {
      await expect(
        session.withTransaction(async () => {
          await ledger.insertOne({ ref: "never" }, { session });
          await accounts.updateOne({ name: "alice" }, { $set: { balance: 0 } }, { session });
          throw new Error("business rule failed");
        }),
      ).rejects.toThrow("business rule failed");
    } finally {
      await session.endSession();
    }
    expect(await ledger.countDocuments({ ref: "never" })).toBe(0);
    expect(await balance("alice")).toBe(100);
  });

  withRs("an explicit abortTransaction discards the writes; the session is reusable", async () => {
    const session = t.client.startSession();
    try {
      session.startTransaction();
      await ledger.insertOne({ ref: "aborted" }, { session });
      await session.abortTransaction();
      session.startTransaction();
      await ledger.insertOne({ ref: "kept" }, { session });
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect((await ledger.find().toArray()).map((d) => d.ref)).toEqual(["kept"]);
  });

  withRs("a duplicate key inside a transaction aborts it and leaves nothing behind", async () => {
    await ledger.insertOne({ ref: "exists" });
    const session = t.client.startSession();
    let attempts = 0;
    try {
      const error = await serverError(
        session.withTransaction(async () => {
          attempts++;
          await accounts.updateOne({ name: "bob" }, { $inc: { balance: 1 } }, { session });
          await ledger.insertOne({ ref: "new-one" }, { session });
          await ledger.insertOne({ ref: "exists" }, { session });
        }),
      );
      expect(error.code).toBe(11000);
      expect(error.errorLabels).not.toContain("TransientTransactionError");
    } finally {
      await session.endSession();
    }
    expect(attempts).toBe(1);
    expect(await ledger.countDocuments({ ref: "new-one" })).toBe(0);
    expect(await balance("bob")).toBe(0);
  });

  withFailPoints("a failCommand-injected WriteConflict is retried by connection.transaction: callback twice, one effect", async () => {
    const Entry = t.connection.model(
      "Entry2",
      new mongoose.Schema({ ref: String, amount: Number }, { collection: "ledger", autoIndex: false }),
    );
    await t.client.db("admin").command({
      configureFailPoint: "failCommand",
      mode: { times: 1 },
      data: { failCommands: ["insert"], errorCode: 112, errorLabels: ["TransientTransactionError"], appName: t.appName },
    });
    let attempts = 0;
    try {
      await t.connection.transaction(async (session) => {
        attempts++;
        await Entry.create([{ ref: "fp", amount: 1 }], { session });
        await t.connection.collection("accounts").updateOne({ name: "bob" }, { $inc: { balance: 1 } }, { session });
      });
    } finally {
      await t.client.db("admin").command({ configureFailPoint: "failCommand", mode: "off" });
    }
    expect(attempts).toBe(2);
    expect(await Entry.countDocuments({ ref: "fp" })).toBe(1);
    expect(await balance("bob")).toBe(1);
  });

  withFailPoints("the injected error carries code 112 and the TransientTransactionError label", async () => {
    await t.client.db("admin").command({
      configureFailPoint: "failCommand",
      mode: { times: 1 },
      data: { failCommands: ["find"], errorCode: 112, errorLabels: ["TransientTransactionError"], appName: t.appName },
    });
    const error = await serverError(ledger.findOne({}));
    expect(error).toMatchObject({ code: 112, codeName: "WriteConflict" });
    expect(error.hasErrorLabel("TransientTransactionError")).toBe(true);
    expect(await ledger.findOne({})).toBeNull(); // times: 1, so the next find goes through
  });

  testIf(IS_EMBEDDED, "mongod blocks a non-transactional write on a document an open transaction wrote (see divergences.test.ts)")(
    "a non-transactional write to a document the transaction wrote conflicts; the retry gives an exact total",
    async () => {
      const session = t.client.startSession();
      let attempts = 0;
      try {
        await session.withTransaction(async () => {
          attempts++;
          await accounts.updateOne({ name: "alice" }, { $inc: { balance: 1 } }, { session });
          if (attempts === 1) await accounts.updateOne({ name: "alice" }, { $inc: { balance: 10 } }); // outside the transaction
        });
      } finally {
        await session.endSession();
      }
      expect(attempts).toBe(2);
      expect(await balance("alice")).toBe(111);
    },
  );

  withRs("concurrent transactions moving money keep the total exact", async () => {
    const transfer = async (from: string, to: string, amount: number): Promise<void> => {
      const session = t.client.startSession();
      try {
        await session.withTransaction(async () => {
          const source = await accounts.findOne({ name: from }, { session });
          if (((source?.balance as number) ?? 0) < amount) throw new Error("insufficient funds");
          await accounts.updateOne({ name: from }, { $inc: { balance: -amount } }, { session });
          await accounts.updateOne({ name: to }, { $inc: { balance: amount } }, { session });
        });
      } finally {
        await session.endSession();
      }
    };
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? transfer("alice", "bob", 7) : transfer("bob", "alice", 3))),
    );
    for (const r of results) if (r.status === "rejected") expect(String(r.reason)).toMatch(/insufficient funds/);
    const [a, b] = [await balance("alice"), await balance("bob")];
    expect((a as number) + (b as number)).toBe(100);
    expect(a as number).toBeGreaterThanOrEqual(0);
    expect(b as number).toBeGreaterThanOrEqual(0);
  });
});
