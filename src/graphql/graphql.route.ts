import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from "@as-integrations/fastify";
import type { FastifyInstance } from "fastify";
import type { GraphQLSchema } from "graphql";
import type { Config } from "../config";
import type { Services } from "../services";
import { noteAdminToken } from "../observability/request-log";
import { principalFromHeaders } from "./auth";
import { createLoaders, type GraphQLContext } from "./context";
import { DEFAULT_TEXT_LIMITS, documentTextGuard } from "./document.guard";
import { formatError, isExpectedError } from "./errors";
import { queryLimitRules } from "./limits";

export interface GraphQLRouteOptions {
  schema: GraphQLSchema;
  services: Services;
  config: Pick<Config, "graphqlIntrospection">;
}

/** Mounts Apollo Server on /graphql. The context (principal, loaders) is built anew for every request. */
export async function registerGraphQL(app: FastifyInstance, options: GraphQLRouteOptions): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: options.schema,
    // Apollo's own landing page loads from a CDN; the offline playground lives at /playground instead.
    plugins: [fastifyApolloDrainPlugin(app), logUnexpectedErrors(app), ApolloServerPluginLandingPageDisabled()],
    introspection: options.config.graphqlIntrospection,
    // No "Did you mean …?" hints when the schema is not meant to be explored.
    hideSchemaDetailsFromClientErrors: !options.config.graphqlIntrospection,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    maxRecursiveSelections: true,
    validationRules: queryLimitRules(),
    // Behind the guard this never fires; it keeps the token cap for documents that reach Apollo another way (executeOperation).
    parseOptions: { maxTokens: DEFAULT_TEXT_LIMITS.maxTokens },
    formatError,
  });
  await apollo.start();
  // A route of our own rather than the integration's plugin, so the text guard runs on it before Apollo parses.
  app.route({
    url: "/graphql",
    // OPTIONS (CORS preflight) is answered for every path by rest/cors.ts.
    method: ["GET", "POST"],
    preValidation: documentTextGuard(),
    handler: fastifyApolloHandler(apollo, {
      context: async (request): Promise<GraphQLContext> => {
        const principal = await principalFromHeaders(request.headers, request.ip, options.services);
        if (principal.kind === "admin") noteAdminToken(request, principal.admin._id.toHexString());
        return {
          principal,
          services: options.services,
          loaders: createLoaders(options.services),
          requestId: request.id,
          ip: request.ip,
          logger: request.log,
        };
      },
    }),
  });
  return apollo;
}

/** Logs masked errors with the request's logger (so with its request id), since the caller sees no details. */
function logUnexpectedErrors(app: FastifyInstance): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          const logger = contextValue?.logger ?? app.log;
          for (const error of errors)
            if (!isExpectedError(error)) logger.error({ err: unwrapResolverError(error) }, "unexpected GraphQL error");
        },
      };
    },
  };
}
