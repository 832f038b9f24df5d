# opsbot image: build TypeScript in one stage, run plain `node dist/main.js` in the next.
# Node 24, an LTS line the test suite runs on (.ci/run and the CI matrix). The base is
# pinned by digest (the same in both stages) so a rebuild gets the same layers; Dependabot
# (docker ecosystem, which reads FROM lines) proposes the next digest. This one is
# node:24-bookworm-slim as published in July 2026 (Node 24.18.0). To re-pin by hand:
#   docker buildx imagetools inspect node:24-bookworm-slim    (its "Digest:" line)
FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS runtime
# Set by the release workflow (docker/metadata-action adds the rest of the OCI labels).
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="opsbot" \
      org.opencontainers.image.description="Telegram ops chatbot of the LabPics Dashboard team: health, jobs, alerts and guarded deploys" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
# The deploy and rollback scripts reach the servers over SSH (and may use git there or
# here); ca-certificates for HTTPS from those scripts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssh-client git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
# The bot's live data is small (a storm of 10,000 alerts is ~10 MB): a bounded heap makes
# V8 collect instead of growing, keeping the process under 150 MB (measured by
# npm run bench, which runs the bot with these same options).
ENV NODE_OPTIONS="--max-old-space-size=96 --max-semi-space-size=8"
WORKDIR /app
# A font for the text in /runs charts (@napi-rs/canvas draws with the system's fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
# Production dependencies only: tsx, pino-pretty and the embedded demo database are dev
# dependencies (the console demo of a checkout), so the image has none of them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# Resolved at runtime as new URL("../migrations/", import.meta.url) from dist/*.js.
COPY migrations ./migrations
COPY locales ./locales
COPY sql ./sql
COPY --from=build /app/dist ./dist
# The sentinel's state (OPSBOT_MODE=sentinel, docker-compose.sentinel.yml): a named volume
# mounted here starts with this ownership, so the node user can write it.
RUN mkdir -p /var/lib/opsbot-sentinel && chown node:node /var/lib/opsbot-sentinel
# Files stay root-owned (read-only to the bot); the process runs as the image's `node` user
# (uid 1000), whose home holds ~/.ssh when a deploy key is mounted there.
USER node
EXPOSE 8080
# Liveness: the bot answers. /healthz says 503 when PostgreSQL or Redis is down, but then
# the bot is exactly where it should be (reporting the outage), so 503 counts as alive.
# Uses node's fetch: slim images have no curl. The HTTP server runs in webhook and polling
# modes only (console mode needs a TTY and is not meant for a container).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok || r.status === 503 ? 0 : 1), () => process.exit(1))"]
# Run node directly, not `npm start`: npm exits on SIGTERM without waiting for its child,
# so the bot's graceful shutdown would never run. Still, PID 1 gets no default signal
# handling and nobody reaps orphaned grandchildren of deploy scripts: run the container
# under an init — `docker run --init`, or `init: true` in compose.
CMD ["node", "dist/main.js"]
