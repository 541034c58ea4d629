# haigpt in a slim Bun image, running as the image's unprivileged `bun` user.
FROM oven/bun:1.4.5-slim AS deps
WORKDIR /app
COPY package.json bun.lock ./
# Production dependencies only: the bun/deno/openai/typescript dev tools stay out of the image.
RUN bun install --frozen-lockfile --production --ignore-scripts

FROM oven/bun:1.4.5-slim
WORKDIR /app
# BUN_CONFIG_MAX_HTTP_REQUESTS at Bun's maximum: Bun reads it only at start, and with it already set
# haigpt need not replace itself to raise it (src/connection-limit.ts); HAIGPT_MAX_UPSTREAM_CONNECTIONS
# is haigpt's own limit below it.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    BUN_CONFIG_MAX_HTTP_REQUESTS=65535
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
# ./data (HAIGPT_DATA_DIR's default) is where the state file lives: writable by the user haigpt runs as.
# A named volume mounted here (-v haigpt-data:/app/data) starts with this ownership.
RUN mkdir -p /app/data && chown bun:bun /app/data
USER bun
EXPOSE 3000
# Limits and usage survive a new container when this is a named volume; with Redis it holds nothing.
VOLUME ["/app/data"]
# The slim image has no curl; Bun's fetch does the health check.
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s \
  CMD ["bun", "-e", "fetch(`http://127.0.0.1:${process.env.PORT ?? 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) drains: requests in progress get HAIGPT_SHUTDOWN_GRACE_MS (9 s), within
# Docker's default 10 s stop timeout; raise `docker run --stop-timeout` when raising the grace period.
STOPSIGNAL SIGTERM
# Mount a config file at /app/config.json (read by default) or pass the settings as environment variables.
CMD ["bun", "run", "src/index.ts"]
