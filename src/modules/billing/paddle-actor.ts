import type { Actor } from "../activity/activity.service";

/** Who is audited for changes a Paddle webhook makes; the event id goes in each entry's `details.cause`. */
export const PADDLE_ACTOR: Actor = { label: "paddle" };
