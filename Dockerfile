# syntax=docker/dockerfile:1
# polar-emulator: local emulator of the Polar billing API.
#   docker build -t polar-emulator .
#   docker run --rm -p 8000:8000 polar-emulator [--seed 7 ...]

# ---------------------------------------------------------------- build ----
FROM node:22-slim AS build
WORKDIR /app
# Manifests first so the `npm ci` layer is cached until dependencies change.
COPY package.json package-lock.json ./
# Full install (dev deps included: tsc is needed). --ignore-scripts: `prepare`
# would run the build now, before the sources are copied in.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig*.json ./
COPY src ./src
COPY spec ./spec
COPY fixtures ./fixtures
# The build also prepares the YAML read at startup as JSON (dist/yaml-cache/).
COPY scripts/dist.js ./scripts/dist.js
RUN npm run build

# -------------------------------------------------------------- runtime ----
FROM node:22-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production deps only. --ignore-scripts: `prepare` would try to run tsc,
# which is a dev dependency and not installed here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/spec ./spec
COPY --from=build /app/fixtures ./fixtures
# Unprivileged user shipped by the node base image (uid 1000). Files above stay
# root-owned and read-only for it, which is all the emulator needs (state is in memory).
USER node
# Listen on all interfaces inside the container so `-p 8000:8000` reaches it.
ENV POLAR_EMULATOR_HOST=0.0.0.0 POLAR_EMULATOR_PORT=8000
EXPOSE 8000
# The image has no curl/wget: the CLI's own `healthcheck` subcommand does
# GET http://127.0.0.1:$POLAR_EMULATOR_PORT/_emulator/health with a 2 s timeout.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "dist/launch.js", "healthcheck"]
# Exec form: node is PID 1 and receives SIGTERM directly (the app closes
# gracefully and exits 0). No shell wrapper, no docker-entrypoint.sh.
ENTRYPOINT ["node", "dist/launch.js"]
# Empty CMD: `docker run image --seed 7` appends flags to the entrypoint.
CMD []
