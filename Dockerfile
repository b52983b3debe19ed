# Congress of Victors: one static binary on a minimal image.
#   docker build -t congress .
#   docker run -p 8080:8080 -v congress-data:/data congress
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
ENV CONGRESS_ADDR=:8080 CONGRESS_DATA=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/congress", "healthcheck"]
ENTRYPOINT ["/congress"]
