# Baton in a container: build (compile TypeScript, native better-sqlite3), then a slim non-root runtime.
# docker build -t baton . && docker run --env-file .env -v baton-data:/data baton     (see docs/operations.md)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when its prebuilt binary cannot be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    BATON_DB=/data/baton.db \
    LOG_FORMAT=json \
    HEALTH_PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json agents.yaml ./
COPY migrations ./migrations
COPY slack ./slack
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The bots (not the console chat: a container has no terminal); SIGTERM stops them cleanly.
CMD ["node", "dist/main.js", "serve"]
