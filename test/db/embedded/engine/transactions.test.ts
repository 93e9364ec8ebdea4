import { UUID, type Document } from "bson";
import { Engine, type ConnectionInfo } from "../../../../src/db/embedded/engine/engine";

const CONN: ConnectionInfo = { connectionId: 1, remoteAddress: "x" };

function newEngine(): Engine {
  return new Engine({ address: "127.0.0.1:0", replSetName: "rs0", startedAt: new Date(), connections: () => 0 });
}

/** A session that sends commands the way the driver does inside a transaction. */
class Session {
  readonly lsid = { id: new UUID() };
  private txnNumber = 0;
  private first = false;

  constructor(private readonly engine: Engine) {}

  start(): void {
    this.txnNumber++;
    this.first = true;
  }

  /** A statement of the current transaction (the first one carries startTransaction). */
  run(command: Document): Document {
    const envelope: Document = { ...command, $db: "t", lsid: this.lsid, txnNumber: this.txnNumber, autocommit: false };
    if (this.first) envelope.startTransaction = true;
    this.first = false;
    return this.engine.execute("t", envelope, CONN).reply;
  }

  commit(): Document {
    return this.engine.execute(
      "admin",
      { commitTransaction: 1, $db: "admin", lsid: this.lsid, txnNumber: this.txnNumber, autocommit: false },
      CONN,
    ).reply;
  }

  abort(): Document {
    return this.engine.execute(
      "admin",
      { abortTransaction: 1, $db: "admin", lsid: this.lsid, txnNumber: this.txnNumber, autocommit: false },
      CONN,
    ).reply;
  }
}

/** A command outside any transaction. */
const outside = (engine: Engine, command: Document): Document => engine.execute("t", { ...command, $db: "t" }, CONN).reply;

/** The documents of t.c as seen by `find` (outside, or through a session's transaction). */
function docs(run: (command: Document) => Document, filter: Document = {}): Document[] {
  const reply = run({ find: "c", filter, sort: { _id: 1 } });
  expect(reply.ok).toBe(1);
  return reply.cursor.firstBatch as Document[];
}

describe("transactions through Engine.execute", () => {
  let engine: Engine;
  let session: Session;
  const outsideRun = (command: Document): Document => outside(engine, command);

  beforeEach(() => {
    engine = newEngine();
    session = new Session(engine);
    expect(
      outside(engine, {
        insert: "c",
        documents: [
          { _id: 1, n: 0 },
          { _id: 2, n: 0 },
        ],
      }),
    ).toMatchObject({ ok: 1, n: 2 });
  });

  it("lets statements inside see their own writes while outside readers do not", () => {
    session.start();
    expect(session.run({ insert: "c", documents: [{ _id: 3, n: 3 }] })).toMatchObject({ ok: 1, n: 1 });
    expect(session.run({ update: "c", updates: [{ q: { _id: 1 }, u: { $inc: { n: 10 } } }] })).toMatchObject({ ok: 1, n: 1, nModified: 1 });
    expect(session.run({ delete: "c", deletes: [{ q: { _id: 2 }, limit: 1 }] })).toMatchObject({ ok: 1, n: 1 });

    expect(docs((c) => session.run(c))).toEqual([
      { _id: 1, n: 10 },
      { _id: 3, n: 3 },
    ]);
    expect(docs((c) => session.run(c), { n: { $gte: 3 } })).toEqual([
      { _id: 1, n: 10 },
      { _id: 3, n: 3 },
    ]);
    expect(session.run({ count: "c", query: {} })).toMatchObject({ n: 2 });
    expect(docs(outsideRun)).toEqual([
      { _id: 1, n: 0 },
      { _id: 2, n: 0 },
    ]);
  });

  it("applies every write on commit, as one journal batch", () => {
    session.start();
    session.run({ insert: "c", documents: [{ _id: 3 }] });
    session.run({ update: "c", updates: [{ q: { _id: 1 }, u: { $set: { n: 1 } } }] });
    const execution = engine.execute(
      "admin",
      { commitTransaction: 1, $db: "admin", lsid: session.lsid, txnNumber: 1, autocommit: false },
      CONN,
    );
    expect(execution.reply).toEqual({ ok: 1 });
    expect(execution.journal.map((op) => op.op)).toEqual(["put", "put"]);
    expect(docs(outsideRun)).toEqual([{ _id: 1, n: 1 }, { _id: 2, n: 0 }, { _id: 3 }]);
  });

  it("discards every write on abort", () => {
    session.start();
    session.run({ insert: "c", documents: [{ _id: 3 }] });
    session.run({ delete: "c", deletes: [{ q: {}, limit: 0 }] });
    expect(session.abort()).toEqual({ ok: 1 });
    expect(docs(outsideRun)).toEqual([
      { _id: 1, n: 0 },
      { _id: 2, n: 0 },
    ]);
  });

  it("fails the commit with WriteConflict (112, TransientTransactionError) after an outside write to the same document", () => {
    session.start();
    session.run({ update: "c", updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }] });
    expect(outside(engine, { update: "c", updates: [{ q: { _id: 1 }, u: { $set: { n: 100 } } }] })).toMatchObject({ ok: 1, nModified: 1 });
    const reply = session.commit();
    expect(reply).toMatchObject({ ok: 0, code: 112, codeName: "WriteConflict" });
    expect(reply.errorLabels).toContain("TransientTransactionError");
    expect(docs(outsideRun)).toEqual([
      { _id: 1, n: 100 },
      { _id: 2, n: 0 },
    ]);
  });

  it("commits despite outside writes to other documents", () => {
    session.start();
    session.run({ update: "c", updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }] });
    outside(engine, { update: "c", updates: [{ q: { _id: 2 }, u: { $set: { n: 7 } } }] });
    expect(session.commit()).toEqual({ ok: 1 });
    expect(docs(outsideRun)).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 7 },
    ]);
  });

  it("answers a repeated commit with ok, and applies nothing twice", () => {
    session.start();
    session.run({ update: "c", updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }] });
    expect(session.commit()).toEqual({ ok: 1 });
    expect(session.commit()).toEqual({ ok: 1 });
    expect(docs(outsideRun, { _id: 1 })).toEqual([{ _id: 1, n: 1 }]);
  });

  it("answers abort after commit with TransactionCommitted (256)", () => {
    session.start();
    session.run({ insert: "c", documents: [{ _id: 3 }] });
    session.commit();
    expect(session.abort()).toMatchObject({ ok: 0, code: 256, codeName: "TransactionCommitted" });
  });

  it("answers a statement after abort with NoSuchTransaction (251, TransientTransactionError)", () => {
    session.start();
    session.run({ insert: "c", documents: [{ _id: 3 }] });
    session.abort();
    const reply = session.run({ find: "c", filter: {} });
    expect(reply).toMatchObject({ ok: 0, code: 251, codeName: "NoSuchTransaction" });
    expect(reply.errorLabels).toContain("TransientTransactionError");
    expect(session.commit()).toMatchObject({ ok: 0, code: 251 });
  });

  it("reports a unique violation inside the transaction as a write error and aborts the transaction", () => {
    expect(
      outside(engine, { createIndexes: "c", indexes: [{ key: { email: 1 }, name: "email_1", unique: true, sparse: true }] }),
    ).toMatchObject({ ok: 1 });
    outside(engine, { update: "c", updates: [{ q: { _id: 1 }, u: { $set: { email: "a@x" } } }] });
    session.start();
    const reply = session.run({ insert: "c", documents: [{ _id: 3, email: "a@x" }] });
    expect(reply).toMatchObject({ ok: 1, n: 0 });
    expect(reply.writeErrors).toEqual([
      expect.objectContaining({ index: 0, code: 11000, keyPattern: { email: 1 }, keyValue: { email: "a@x" } }),
    ]);
    expect(session.run({ find: "c", filter: {} })).toMatchObject({ ok: 0, code: 251 });
    expect(docs(outsideRun)).toHaveLength(2);
  });

  it("detects a unique clash between two documents written by the same transaction", () => {
    expect(
      outside(engine, { createIndexes: "c", indexes: [{ key: { email: 1 }, name: "email_1", unique: true, sparse: true }] }),
    ).toMatchObject({ ok: 1 });
    session.start();
    expect(session.run({ insert: "c", documents: [{ _id: 3, email: "b@x" }] })).toMatchObject({ ok: 1, n: 1 });
    expect(session.run({ update: "c", updates: [{ q: { _id: 1 }, u: { $set: { email: "b@x" } } }] }).writeErrors?.[0]?.code).toBe(11000);
  });

  it("lets a transaction move a unique value from one document to another", () => {
    expect(
      outside(engine, { createIndexes: "c", indexes: [{ key: { email: 1 }, name: "email_1", unique: true, sparse: true }] }),
    ).toMatchObject({ ok: 1 });
    outside(engine, { update: "c", updates: [{ q: { _id: 1 }, u: { $set: { email: "a@x" } } }] });
    session.start();
    session.run({ update: "c", updates: [{ q: { _id: 1 }, u: { $unset: { email: "" } } }] });
    expect(session.run({ update: "c", updates: [{ q: { _id: 2 }, u: { $set: { email: "a@x" } } }] })).toMatchObject({
      ok: 1,
      nModified: 1,
    });
    expect(session.commit()).toEqual({ ok: 1 });
    expect(docs(outsideRun, { email: "a@x" })).toEqual([{ _id: 2, n: 0, email: "a@x" }]);
  });

  it("refuses commands that are not allowed in a transaction (263)", () => {
    session.start();
    expect(session.run({ createIndexes: "c", indexes: [{ key: { z: 1 }, name: "z_1" }] })).toMatchObject({ ok: 0, code: 263 });
  });
});
