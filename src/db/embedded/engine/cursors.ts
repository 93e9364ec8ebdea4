import { BSON, Long, type Document } from "bson";
import { CommandError } from "./errors";

/** mongod caps a reply batch at 16 MiB; the first batch defaults to 101 documents. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
const DEFAULT_FIRST_BATCH = 101;

interface OpenCursor {
  ns: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

/**
 * Server-side cursors over materialised results. Cursor ids stay below 2^53 so that the driver's int64 ids
 * come back as exact JS numbers; ids are sent as BSON int64 (Long), which the driver insists on.
 */
export class CursorRegistry {
  private readonly cursors = new Map<number, OpenCursor>();
  private nextId = 1 + Math.floor(Math.random() * 1_000_000);

  constructor(private readonly idleTimeoutMs = 10 * 60_000) {}

  /** Builds the `cursor` reply for a first batch and keeps the rest open unless `singleBatch`. */
  open(ns: string, docs: Document[], batchSize: number | undefined, singleBatch: boolean): Document {
    const batch = takeBatch(docs, 0, batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0;
    if (!singleBatch && batch.length < docs.length) {
      id = this.nextId++;
      this.cursors.set(id, { ns, docs, position: batch.length, lastUsed: Date.now() });
    }
    return { cursor: { firstBatch: batch, id: Long.fromNumber(id), ns }, ok: 1 };
  }

  getMore(rawId: unknown, collection: string, db: string, batchSize: number | undefined): Document {
    const id = Number(rawId);
    const cursor = this.cursors.get(id);
    if (!cursor) throw new CommandError("CursorNotFound", `cursor id ${id} not found`);
    if (cursor.ns !== `${db}.${collection}`) {
      throw new CommandError(
        "Unauthorized",
        `Requested getMore on namespace '${db}.${collection}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    const batch = takeBatch(cursor.docs, cursor.position, batchSize ?? Number.POSITIVE_INFINITY);
    cursor.position += batch.length;
    cursor.lastUsed = Date.now();
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) this.cursors.delete(id);
    return { cursor: { nextBatch: batch, id: Long.fromNumber(exhausted ? 0 : id), ns: cursor.ns }, ok: 1 };
  }

  kill(ids: unknown[]): Document {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const id = Number(raw);
      (this.cursors.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    }
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  /** Closes cursors idle for longer than the timeout (mongod: 10 minutes). */
  reap(now = Date.now()): void {
    for (const [id, cursor] of this.cursors) if (now - cursor.lastUsed > this.idleTimeoutMs) this.cursors.delete(id);
  }

  get size(): number {
    return this.cursors.size;
  }
}

function takeBatch(docs: Document[], from: number, count: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  for (let i = from; i < docs.length && batch.length < count; i++) {
    bytes += BSON.calculateObjectSize(docs[i], { ignoreUndefined: false });
    if (bytes > MAX_BATCH_BYTES && batch.length > 0) break;
    batch.push(docs[i]);
  }
  return batch;
}
