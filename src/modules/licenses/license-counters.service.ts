import type { mongoose } from "@typegoose/typegoose";
import type { mongo } from "mongoose";
import type { Models } from "../../db/models";
import { inTransaction, type Session } from "../../db/transaction";
import { LicenseStatus } from "./license.model";

export interface CounterRepairs {
  /** Licenses whose `active_sites` was set to their non-development activations. */
  seats: number;
  /** Lifetime plans whose `lifetime_sold` was set to their live (not cancelled) licenses. */
  lifetimeSold: number;
}

interface CountRow {
  _id: mongoose.Types.ObjectId;
  count: number;
}

/**
 * The two counters that enforce limits (a license's site seats, a lifetime plan's sales) move in the same
 * transaction as the records they count, so no crash can set them apart. Data written before that was so, or
 * imported from elsewhere, may still disagree: this finds and repairs such counters, at every boot. Each repair
 * recounts inside a transaction, so an activation or sale racing it makes it retry instead of being lost.
 */
export class LicenseCountersService {
  constructor(private readonly models: Models) {}

  async reconcile(): Promise<CounterRepairs> {
    return { seats: await this.reconcileSeats(), lifetimeSold: await this.reconcileLifetimeSold() };
  }

  private async reconcileSeats(): Promise<number> {
    const [licenses, counts] = await Promise.all([
      this.models.License.find({}, { active_sites: 1 }).lean().exec(),
      this.models.Activation.aggregate<CountRow>([
        { $match: { is_development: false } },
        { $group: { _id: "$license_id", count: { $sum: 1 } } },
      ]).exec(),
    ]);
    const seated = new Map(counts.map((row) => [row._id.toHexString(), row.count]));
    const suspects = licenses.filter((license) => (license.active_sites ?? 0) !== (seated.get(license._id.toHexString()) ?? 0));
    const activations = this.models.Activation;
    return this.recountEach(this.models.License.collection, "active_sites", suspects, (_id, session) =>
      activations.countDocuments({ license_id: _id, is_development: false }).session(session).exec(),
    );
  }

  private async reconcileLifetimeSold(): Promise<number> {
    const plans = await this.models.Plan.find({ is_lifetime: true }, { lifetime_sold: 1 }).lean().exec();
    const licenses = this.models.License;
    return this.recountEach(this.models.Plan.collection, "lifetime_sold", plans, (_id, session) =>
      licenses
        .countDocuments({ plan_id: _id, status: { $ne: LicenseStatus.cancelled } })
        .session(session)
        .exec(),
    );
  }

  /**
   * Sets `field` of each document to what `count` finds, one transaction per document. The document is read first,
   * so that a change committed after the count conflicts with this write (engines that read committed data inside
   * transactions would otherwise let it overwrite that change). Returns how many documents changed.
   */
  private async recountEach(
    collection: mongo.Collection,
    field: string,
    documents: Array<{ _id: mongoose.Types.ObjectId }>,
    count: (_id: mongoose.Types.ObjectId, session: Session) => Promise<number>,
  ): Promise<number> {
    let repaired = 0;
    for (const { _id } of documents) {
      repaired += await inTransaction(this.models, async (session) => {
        await collection.findOne({ _id }, { projection: { [field]: 1 }, session });
        const records = await count(_id, session);
        const result = await collection.updateOne({ _id, [field]: { $ne: records } }, { $set: { [field]: records } }, { session });
        return result.modifiedCount;
      });
    }
    return repaired;
  }
}
