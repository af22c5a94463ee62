# syntax=docker/dockerfile:1.7
# agentnet web: the Dioxus fullstack server, which serves the web app (public/: index.html,
# wasm, js) and mounts the relay's routes (/ws, /healthz, /readyz) in one process.
#
#   docker buildx build -f infrastructure/docker/web.Dockerfile -t agentnet-web .
#   docker run --rm -p 8080:8080 agentnet-web            # then open http://localhost:8080
#
# Static alternative: the `bundle` stage holds only public/; export it with
#   docker buildx build -f infrastructure/docker/web.Dockerfile --target bundle \
#     --output type=local,dest=./web-bundle .
# and serve ./web-bundle/public from any static host (see infrastructure/README.md).

ARG RUST_IMAGE=rust:1-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot
ARG BUSYBOX_IMAGE=busybox:1.37-musl

# ---- toolchain: wasm target, dx, wasm-bindgen, esbuild, wasm-opt -------------------------
FROM ${RUST_IMAGE} AS toolchain
ARG DX_VERSION=0.7.10
ARG ESBUILD_VERSION=0.27.3
ARG BINARYEN_VERSION=132.0.0
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Node only runs npm's esbuild and binaryen (wasm-opt), the versions ./x pins.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g --no-audit --no-fund "esbuild@${ESBUILD_VERSION}" "binaryen@${BINARYEN_VERSION}" \
 && rustup target add wasm32-unknown-unknown
# Only the lockfile decides the wasm-bindgen version, so this layer is rebuilt only when
# Cargo.lock changes; the CLI must match the library exactly.
COPY Cargo.lock /tmp/Cargo.lock
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    cargo install --locked dioxus-cli --version "${DX_VERSION}" \
 && wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' /tmp/Cargo.lock) \
 && { cargo install --locked wasm-bindgen-cli --version "$wb" \
      || cargo install wasm-bindgen-cli --version "$wb"; }

# ---- build -------------------------------------------------------------------------------
FROM toolchain AS builder
WORKDIR /src
COPY . .
WORKDIR /src/app
# NO_DOWNLOADS=1: dx takes wasm-bindgen, esbuild and wasm-opt from PATH (installed above)
# instead of fetching its own, exactly as ./x does.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    NO_DOWNLOADS=1 dx build --platform web --release --package agentnet-app \
 && mkdir -p /out \
 && cp -a /src/target/dx/agentnet-app/release/web /out/web \
 && test -x /out/web/server && test -f /out/web/public/index.html

# ---- static bundle only (for --target bundle --output type=local) ------------------------
FROM scratch AS bundle
COPY --from=builder /out/web/public /public

FROM ${BUSYBOX_IMAGE} AS busybox

# ---- runtime: the fullstack server -------------------------------------------------------
# Same base as the relay image (see relay.Dockerfile for the busybox health-check choice).
FROM ${RUNTIME_IMAGE} AS server
COPY --from=busybox /bin/busybox /usr/local/bin/busybox
# The server looks for public/ next to its executable.
COPY --from=builder /out/web /app
WORKDIR /app
ENV IP=0.0.0.0 \
    PORT=8080 \
    RUST_LOG=info
USER 65532:65532
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/app/server"]
