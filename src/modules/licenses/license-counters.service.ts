import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { inTransaction } from "../../db/transaction";
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
    let repaired = 0;
    for (const { _id } of suspects) {
      const changed = await inTransaction(this.models, async (session) => {
        // Read first, so that an activation committed after it conflicts with this write (engines that read
        // committed data inside transactions would otherwise let this overwrite its seat).
        await this.models.License.findById(_id, { active_sites: 1 }).session(session).lean().exec();
        const count = await this.models.Activation.countDocuments({ license_id: _id, is_development: false }).session(session).exec();
        const result = await this.models.License.updateOne(
          { _id, active_sites: { $ne: count } },
          { $set: { active_sites: count } },
          { session, timestamps: false },
        ).exec();
        return result.modifiedCount;
      });
      repaired += changed;
    }
    return repaired;
  }

  private async reconcileLifetimeSold(): Promise<number> {
    const plans = await this.models.Plan.find({ is_lifetime: true }, { lifetime_sold: 1 }).lean().exec();
    let repaired = 0;
    for (const { _id } of plans) {
      const changed = await inTransaction(this.models, async (session) => {
        await this.models.Plan.findById(_id, { lifetime_sold: 1 }).session(session).lean().exec();
        const live = await this.models.License.countDocuments({ plan_id: _id, status: { $ne: LicenseStatus.cancelled } })
          .session(session)
          .exec();
        const result = await this.models.Plan.updateOne(
          { _id, lifetime_sold: { $ne: live } },
          { $set: { lifetime_sold: live } },
          { session, timestamps: false },
        ).exec();
        return result.modifiedCount;
      });
      repaired += changed;
    }
    return repaired;
  }
}
