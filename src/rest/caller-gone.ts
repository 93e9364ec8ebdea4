import type { FastifyReply } from "fastify";

/** A signal that aborts when the caller closes the connection before the answer was fully sent. */
export function abortWhenCallerLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Starts a server-sent-events answer (plugin contract §6.4: no caching, no proxy buffering). */
export function eventStreamHeaders(reply: FastifyReply): FastifyReply {
  return reply.code(200).header("content-type", "text/event-stream").header("cache-control", "no-cache").header("x-accel-buffering", "no");
}
