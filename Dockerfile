# streaming-tda image: built in one stage, run from the compiled dist/ in a second stage that
# has only the production dependencies and runs as the unprivileged user `node` (uid 1000).
#   docker build -t streaming-tda:0.1.0 .
#   docker run --rm -p 8080:8080 -e STREAMING_TDA_HTTP_HOST=0.0.0.0 streaming-tda:0.1.0 demo
# The Node major version is the project's (the dev dependency node@24); a test checks it.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the prepare script builds, and the sources are not copied yet.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY config ./config
# `streaming-tda` on the PATH, for `kubectl exec … -- streaming-tda backup` and the like. The
# store lives on a volume; the root filesystem can then be read-only.
RUN ln -s /app/bin/streaming-tda.js /usr/local/bin/streaming-tda \
  && mkdir -p /var/lib/streaming-tda && chown node:node /var/lib/streaming-tda
VOLUME ["/var/lib/streaming-tda"]
USER node
EXPOSE 8080
# Fixed semi-spaces keep resident memory flat (docs/service.md, "Memory"); Node refuses
# these flags in NODE_OPTIONS, so they are on the command line.
ENTRYPOINT ["node", "--min-semi-space-size=16", "--max-semi-space-size=16", "bin/streaming-tda.js"]
CMD ["run", "--config", "/etc/streaming-tda/pipeline.yaml"]
