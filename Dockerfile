# The platform as an image: built with the dev dependencies, run without them.
# Not built or run on the project's machines (they have no Docker); see the README, "Docker".
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so a change to the sources reuses this layer. No NODE_ENV=production here: npm ci would then
# leave out the dev dependencies the build needs.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=4000 DATA_DIR=/data
WORKDIR /app
# Owned by root and read-only to the platform; only /data (backups, or the embedded engine without MONGODB_URI) is its.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
# Liveness only (the process answers); /readyz says whether the database does. node has fetch, the image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm start: it receives SIGTERM directly and shuts down gracefully (npm may exit before it has).
CMD ["node", "--enable-source-maps", "dist/main.js"]
