# Congress of Victors: one static binary on a minimal image, run as a
# non-root user, its data (the embedded NATS JetStream) on a volume.
#   docker build -t congress .
#   docker run -p 8080:8080 -v congress-data:/data congress
# A node of a cluster: docker run -e CONGRESS_NATS=nats://n1:4222,... congress
# (see docs/DEPLOY.md).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/congress ./cmd/congress \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/congress /congress
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV CONGRESS_LISTEN=:8080 CONGRESS_DATA=/data
VOLUME ["/data"]
EXPOSE 8080
# The image has no shell or curl: the binary asks its own /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/congress", "healthcheck"]
# SIGTERM: clients are told to reconnect and, in a cluster, the node's
# lobbies go to the other nodes. Give it the time to.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/congress"]
