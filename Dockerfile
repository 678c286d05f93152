# Build stage: the Swift toolchain image, with OpenSSL headers for the TLS code and libcurl's
# for the Kubernetes client.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl-dev libcurl4-openssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY Benchmarks ./Benchmarks
RUN swift build -c release --product kafka-operator --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/kafka-operator" /out/kafka-operator

# Runtime stage: Debian slim with only the libraries the binary links.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl3 libcurl4 libstdc++6 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin operator
COPY --from=build /out/kafka-operator /usr/local/bin/kafka-operator
USER 10001
EXPOSE 8080
ENV KAFKA_OPERATOR_LISTEN=0.0.0.0:8080 \
    KAFKA_OPERATOR_LOG_FORMAT=json
# No curl in the image: bash's /dev/tcp is enough to ask /healthz for its status line.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/kafka-operator"]
CMD ["serve"]
