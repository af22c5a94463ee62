# syntax=docker/dockerfile:1.7
# agentnet-relay: the WebSocket relay alone (routes ciphertext; scales out through Redis).
#
#   docker buildx build -f infrastructure/docker/relay.Dockerfile -t agentnet-relay .
#   docker run --rm -p 8080:8080 agentnet-relay          # then: curl localhost:8080/healthz
#
# Configuration is environment only (RELAY_*, REDIS_URL; optionally RELAY_CONFIG=/path.toml):
# see infrastructure/README.md.

ARG RUST_IMAGE=rust:1-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot
ARG BUSYBOX_IMAGE=busybox:1.37-musl

# ---- build -------------------------------------------------------------------------------
FROM ${RUST_IMAGE} AS builder
WORKDIR /src
COPY . .
# The registry, git and target caches persist between builds (BuildKit cache mounts); the
# binary is copied out of the cached target dir in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p agentnet-relay \
 && install -D -m 0755 target/release/agentnet-relay /out/agentnet-relay

# busybox (static, musl) gives the health check a tiny HTTP client without a package manager.
FROM ${BUSYBOX_IMAGE} AS busybox

# ---- runtime -----------------------------------------------------------------------------
# distroless/cc: glibc + libgcc for the Rust binary, no shell or package manager, runs as
# uid 65532 ("nonroot"). The only extra file is busybox for HEALTHCHECK: curl in a
# debian-slim image would add apt, bash and curl's libraries for the same one request.
FROM ${RUNTIME_IMAGE}
COPY --from=busybox /bin/busybox /usr/local/bin/busybox
COPY --from=builder /out/agentnet-relay /usr/local/bin/agentnet-relay
ENV RELAY_ADDR=0.0.0.0:8080 \
    RUST_LOG=info
USER 65532:65532
EXPOSE 8080
# The relay drains connections on SIGTERM (RELAY_DRAIN_TIMEOUT_SECS, default 10 s):
# give `docker stop` a longer timeout than that (compose: stop_grace_period).
STOPSIGNAL SIGTERM
# /healthz: the process serves HTTP. (Readiness, which also covers Redis, is /readyz.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/agentnet-relay"]
