import type { mongo } from "mongoose";
import { isDuplicateKey } from "../errors";
import { BACKUP_STATE_COLLECTION } from "./backup.format";

const STATE_ID = "scheduled";

export interface BackupOutcome {
  at: Date;
  owner: string;
  /** Success: the file written. */
  file?: string;
  bytes?: number;
  documents?: number;
  /** Failure: what went wrong (for the log and the operator, not for public health). */
  error?: string;
}

/** The one document that says which slot was (or is being) backed up, by whom, and how the last attempts ended. */
export interface BackupStateDoc {
  _id: string;
  slotStart: Date;
  state: "idle" | "running" | "done" | "failed";
  owner?: string;
  expiresAt?: Date;
  lastSuccess?: BackupOutcome;
  lastFailure?: BackupOutcome;
}

/**
 * The lease that lets one instance among several take each scheduled backup. Taking it is one guarded atomic write:
 * it succeeds only while the document's slot is older than the one asked for, or while the slot's backup is still
 * "running" past its expiry (its instance died). Two instances asking for the same slot cannot both match.
 */
export class BackupLease {
  private readonly collection: mongo.Collection<BackupStateDoc>;

  constructor(
    db: mongo.Db,
    readonly owner: string,
  ) {
    this.collection = db.collection<BackupStateDoc>(BACKUP_STATE_COLLECTION);
  }

  async take(slotStart: Date, now: Date, leaseMs: number): Promise<boolean> {
    await this.ensureDocument();
    const taken = await this.collection.updateOne(
      {
        _id: STATE_ID,
        $or: [{ slotStart: { $lt: slotStart } }, { slotStart, state: "running", expiresAt: { $lt: now } }],
      },
      { $set: { slotStart, state: "running", owner: this.owner, expiresAt: new Date(now.getTime() + leaseMs) } },
    );
    return taken.modifiedCount === 1;
  }

  /** Extends the lease while the backup runs; false when it was lost (it expired and another instance took it). */
  async renew(slotStart: Date, now: Date, leaseMs: number): Promise<boolean> {
    const renewed = await this.collection.updateOne(
      { _id: STATE_ID, slotStart, state: "running", owner: this.owner },
      { $set: { expiresAt: new Date(now.getTime() + leaseMs) } },
    );
    return renewed.matchedCount === 1;
  }

  /** Records how the slot ended; the slot's state changes only if this instance still holds its lease. */
  async finish(slotStart: Date, outcome: { success: BackupOutcome } | { failure: BackupOutcome }): Promise<void> {
    const success = "success" in outcome;
    await this.collection.updateOne(
      { _id: STATE_ID, slotStart, state: "running", owner: this.owner },
      { $set: { state: success ? "done" : "failed", expiresAt: success ? outcome.success.at : outcome.failure.at } },
    );
    await this.collection.updateOne(
      { _id: STATE_ID },
      { $set: success ? { lastSuccess: outcome.success } : { lastFailure: outcome.failure } },
    );
  }

  /** Gives an unfinished slot back (the platform is stopping): any instance may take it again at once. */
  async release(slotStart: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: STATE_ID, slotStart, state: "running", owner: this.owner },
      { $set: { expiresAt: new Date(0) } },
    );
  }

  read(): Promise<BackupStateDoc | null> {
    return this.collection.findOne({ _id: STATE_ID });
  }

  /** The document exists before anyone competes for it, so taking the lease never needs an upsert. */
  private async ensureDocument(): Promise<void> {
    try {
      await this.collection.updateOne({ _id: STATE_ID }, { $setOnInsert: { slotStart: new Date(0), state: "idle" } }, { upsert: true });
    } catch (error) {
      // Two first upserts at once: one inserted, the other's insert hit the unique _id. Either way it exists now.
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
