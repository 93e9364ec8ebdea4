// A minimal server for the playground tests: the app's JSON 404, a tiny GraphQL API at /graphql, and the playground.
// src/app.ts does not mount /graphql yet; once it does, the browser test can move to the real app.
import { ApolloServer } from "@apollo/server";
import fastifyApollo from "@as-integrations/fastify";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { registerPlayground } from "../../src/playground/playground.route";

interface FixtureContext {
  authorization: string | undefined;
}

// `authorization` echoes the header, so a test can prove what was typed into the Headers tab reached the server.
const typeDefs = /* GraphQL */ `
  type Query {
    hello: String!
    authorization: String
  }
`;
const resolvers = {
  Query: {
    hello: () => "Hello from the Chatello fixture",
    authorization: (_parent: unknown, _args: unknown, ctx: FixtureContext) => ctx.authorization ?? null,
  },
};

export interface Fixture {
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function buildFixture(opts: { playgroundDir: string; logger?: Pick<FastifyBaseLogger, "warn"> }): Promise<Fixture> {
  const app = Fastify();
  // Same body as src/app.ts's handler, so the tests can tell the playground delegated to the app's 404.
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: "Not found", code: "NOT_FOUND" }));

  const apollo = new ApolloServer<FixtureContext>({ typeDefs, resolvers, includeStacktraceInErrorResponses: false });
  await apollo.start();
  await app.register(fastifyApollo(apollo), {
    path: "/graphql",
    context: async (request) => ({ authorization: request.headers.authorization }),
  });
  await registerPlayground(app, { dir: opts.playgroundDir, logger: opts.logger });

  return {
    app,
    async close() {
      await app.close();
      await apollo.stop();
    },
  };
}
