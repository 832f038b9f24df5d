# opsbot image: build TypeScript in one stage, run plain `node dist/main.js` in the next.
# Node 22 (a supported LTS); the code itself stays on Node >= 20.19 APIs.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
# The bot's live data is small (a storm of 10,000 alerts is ~10 MB): a bounded heap makes
# V8 collect instead of growing, keeping the process under 150 MB (measured by
# npm run bench, which runs the bot with these same options).
ENV NODE_OPTIONS="--max-old-space-size=96 --max-semi-space-size=8"
WORKDIR /app
# A font for the text in /runs charts (@napi-rs/canvas draws with the system's fonts).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# Resolved at runtime as new URL("../migrations/", import.meta.url) from dist/*.js.
COPY migrations ./migrations
COPY sql ./sql
COPY --from=build /app/dist ./dist
# Files stay root-owned (read-only to the bot); the process runs as the image's `node` user.
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
# under an init — `docker run --init`, or `init: true` in compose (as docker-compose.yml does).
CMD ["node", "dist/main.js"]
