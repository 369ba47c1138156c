# syntax=docker/dockerfile:1
# The Handin API and worker image. One image, two commands (see docker-compose.yml):
#   node dist/src/main.js     the HTTP API (migrates first, under an advisory lock)
#   node dist/src/worker.js   a worker-only process

# --- build: all dependencies, compile TypeScript to dist/ -------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change does not re-run npm ci.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# The packs' texts (JSON, compiled into dist/) and the web pages' templates (read at run time).
COPY templates ./templates
# Compiles src/ to dist/src/ and migrations/ to dist/migrations/ (the app finds them there).
RUN npm run build

# --- runtime: production dependencies and the compiled app only -------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/templates ./templates
# The sample campaign, for loading the demo data into a running stack (README, "With Docker").
COPY demo ./demo

# The file store (uploads, reports). A named volume mounted here starts with this owner, so the
# unprivileged user can write to it; every API and worker container must mount the same volume.
RUN mkdir -p /var/lib/handin && chown node:node /var/lib/handin
# Inside a container the API must listen on all interfaces; the app's default is 127.0.0.1.
ENV STORAGE_DIR=/var/lib/handin PORT=3000 HOST=0.0.0.0
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
