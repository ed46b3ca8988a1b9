# The regional index of the Verwijsindex Risicojongeren.
#   docker build -t verwijsindex-regio .
#   docker run -d --name vir -p 8080:8080 -v vir-data:/data \
#     -e REGION_ID=... -e REGION_NAME=... \
#     -e REGION_BSN_ENCRYPTION_KEY=... -e REGION_BSN_INDEX_KEY=... verwijsindex-regio
# See docs/operations.md.

# --- build: install dependencies; better-sqlite3 compiles its native module when no prebuilt one fits
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Keep only what runs: the production dependencies, tsx among them (it runs the TypeScript sources).
RUN npm prune --omit=dev --no-audit --no-fund

# --- runtime: sources and production node_modules, as an unprivileged user
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    REGION_DEMO=false \
    REGION_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/config ./config
COPY --from=build /app/region ./region
COPY --from=build /app/connector ./connector
COPY --from=build /app/national ./national
COPY --from=build /app/bin ./bin
# The data folder belongs to the unprivileged "node" user of the base image; the sources stay root's, read-only to it.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1, so SIGTERM from `docker stop` reaches the index, which closes its database cleanly.
CMD ["node", "--import", "tsx", "region/main.ts"]
