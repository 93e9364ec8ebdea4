import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { badInput, notFound } from "../../errors";
import { randomBase62, sha256 } from "../../security/secrets";
import type { ActivityService, Actor } from "../activity/activity.service";
import { type AdminRole, type Admin } from "./admin.model";

const TOKEN_SHAPE = /^chk_[oasr]_[0-9A-Za-z]{32}$/;
const ROLE_INITIAL: Record<AdminRole, string> = { owner: "o", admin: "a", support: "s", readonly: "r" };
// last_used_at is bookkeeping: writing it on every request would turn every read into a write.
const LAST_USED_RESOLUTION_MS = 60_000;

/** Admin API tokens: `chk_<role initial>_<32 base62>`, shown once, stored as SHA-256 digests. */
export class AdminTokenService {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {}

  async create(name: string, role: AdminRole, actor: Actor): Promise<{ token: string; admin: Admin }> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 100) throw badInput("name must be 1 to 100 characters");
    const token = `chk_${ROLE_INITIAL[role]}_${randomBase62(32)}`;
    const created = await this.models.Admin.create({ name: trimmed, role, token_digest: sha256(token), token_prefix: token.slice(0, 10) });
    await this.activity.record(actor, {
      action: "admin_token.created",
      details: { adminId: created._id.toHexString(), name: trimmed, role },
    });
    return { token, admin: created.toObject() as Admin };
  }

  async revoke(id: mongoose.Types.ObjectId, actor: Actor): Promise<Admin> {
    const revoked = await this.models.Admin.findOneAndUpdate(
      { _id: id, revoked_at: null },
      { $set: { revoked_at: new Date() } },
      { returnDocument: "after" },
    )
      .lean<Admin>()
      .exec();
    if (!revoked) {
      // Told apart so that an operator revoking twice learns the token is already dead, not that it never was.
      const existing = await this.models.Admin.findById(id, { revoked_at: 1 }).lean<Pick<Admin, "revoked_at">>().exec();
      if (existing?.revoked_at) throw badInput(`The admin token is already revoked (since ${existing.revoked_at.toISOString()})`);
      throw notFound("Admin token");
    }
    await this.activity.record(actor, { action: "admin_token.revoked", details: { adminId: id.toHexString(), name: revoked.name } });
    return revoked;
  }

  /** Tokens that still work. */
  countActive(): Promise<number> {
    return this.models.Admin.countDocuments({ revoked_at: null }).exec();
  }

  list(): Promise<Admin[]> {
    return this.models.Admin.find({}).sort({ _id: -1 }).lean<Admin[]>().exec();
  }

  /** The admin a bearer token belongs to, or null (malformed tokens are refused without a database query). */
  async authenticate(token: string): Promise<Admin | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const admin = await this.models.Admin.findOne({ token_digest: sha256(token), revoked_at: null })
      .lean<Admin>()
      .exec();
    if (!admin) return null;
    const now = new Date();
    if (!admin.last_used_at || now.getTime() - admin.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.models.Admin.updateOne({ _id: admin._id }, { $set: { last_used_at: now } }).exec();
    }
    return admin;
  }
}
