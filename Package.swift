// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "kafka-operator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kafka-operator", targets: ["kafka-operator"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.1.0"),
    ],
    targets: [
        // OpenSSL from Debian's libssl-dev, for TLS termination.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Linux's epoll header, for the HTTP server's event loops.
        .systemLibrary(name: "CEpoll"),
        // libcurl from Debian's libcurl4-openssl-dev (HTTP/2 through nghttp2, TLS through
        // OpenSSL), under the one HTTP client.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // JSON values and the strict reader: shared by the model, the receiver and the API layers.
        .target(name: "JSON"),
        .target(
            name: "HTTPServer",
            dependencies: [
                "COpenSSL",
                "CEpoll",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The one libcurl HTTP client (TLS, HTTP/2, timeouts, retries) under the Kubernetes and
        // Cruise Control clients.
        .target(name: "HTTPClient", dependencies: ["CCurl"]),
        // Kubernetes resource quantities: shared by the model, the reconciler and the local cluster.
        .target(name: "ResourceQuantity"),
        // Which Kafka configuration keys can change at run time: shared by the model (what the
        // operator may set live) and the simulated broker (what it refuses to set live).
        .target(name: "KafkaConfigKeys"),
        .target(
            name: "ClusterModel",
            dependencies: [
                "JSON", "ResourceQuantity", "KafkaConfigKeys", .product(name: "Yams", package: "Yams"),
            ]),
        .target(name: "ActionEngine", dependencies: ["ClusterModel", "ResourceQuantity"]),
        .target(
            name: "AlertReceiver",
            dependencies: [
                "JSON", "ClusterModel", "ActionEngine", "HTTPServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // The Kafka wire format, both directions: the admin client's requests and the simulated
        // broker's answers share it. Standard library only, so the fuzzers compile it directly.
        .target(name: "KafkaProtocol"),
        // Service name and port → the socket a client really connects to: identity on
        // Kubernetes, loopback in local mode. Used by the operator's Kafka and Cruise Control clients.
        .target(name: "AddressResolution"),
        // Cruise Control's REST API and its typed answers, on the one HTTP client.
        .target(
            name: "CruiseControl",
            dependencies: [
                "HTTPClient", "JSON", "AddressResolution", .product(name: "Logging", package: "swift-log"),
            ]),
        // Java keystores (JKS, or PKCS#12 under any file name) as PEM: the `keystore.jks` and
        // `truststore.jks` of Koperator-style Secrets, and Cruise Control's keystore.
        .target(name: "Keystores", dependencies: ["COpenSSL"]),
        .target(
            name: "KafkaAdmin",
            dependencies: ["KafkaProtocol", "ClusterModel", "COpenSSL", "AddressResolution"]),
        // The API types the client and the local cluster share: resource paths, Status.
        .target(name: "KubernetesAPITypes"),
        .target(
            name: "Kubernetes",
            dependencies: [
                "KubernetesAPITypes", "JSON", "HTTPClient",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Kubernetes-backed ClusterStore: the KafkaCluster object is the store.
        .target(name: "KubernetesClusterStore", dependencies: ["ClusterModel", "Kubernetes", "JSON"]),
        // The operator's certificate authority: cluster CA, broker and client certificates, checks of
        // bring-your-own material and the renewal decisions. Pure: no Kubernetes, no files.
        .target(
            name: "PKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                // PBKDF2 and AES-CBC for the PKCS#12 keystores Java servers read.
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]),
        .target(
            name: "LocalCluster",
            dependencies: [
                "HTTPServer", "KubernetesAPITypes", "JSON", "ResourceQuantity",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The simulated Kafka cluster and Cruise Control of local mode.
        .target(
            name: "LocalKafka",
            dependencies: [
                "HTTPServer", "JSON", "KafkaProtocol", "KafkaConfigKeys", "Keystores",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Reconciler",
            dependencies: [
                "ClusterModel", "Kubernetes", "KafkaAdmin", "KafkaProtocol", "JSON", "ResourceQuantity",
                "CruiseControl", "PKI", "Keystores",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "kafka-operator",
            dependencies: [
                "HTTPServer",
                "JSON",
                "ClusterModel",
                "Kubernetes",
                "KubernetesClusterStore",
                "LocalCluster",
                "Reconciler",
                "AlertReceiver",
                "ActionEngine",
                "KafkaAdmin",
                "AddressResolution",
                "LocalKafka",
                "CruiseControl",
                "HTTPClient",
                "Keystores",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Measures reconcile cost on the local cluster: bench/reconcile drives it.
        .executableTarget(
            name: "reconcile-benchmark",
            dependencies: [
                "ClusterModel", "Kubernetes", "LocalCluster", "Reconciler", "JSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ReconcileBenchmark"
        ),
        // Measures issuing and watching the cluster's certificates: bench/certificates drives it.
        .executableTarget(name: "pki-benchmark", dependencies: ["PKI"], path: "Benchmarks/PKIBenchmark"),
        // Measures the simulated Kafka cluster and Cruise Control at scale: bench/local-kafka drives it.
        .executableTarget(
            name: "local-kafka-benchmark",
            dependencies: [
                "LocalKafka", "KafkaAdmin", "KafkaProtocol", "HTTPServer",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/LocalKafkaBenchmark"
        ),
        .target(name: "TestSupport", dependencies: ["ClusterModel"], path: "Tests/TestSupport"),
        // A local cluster with a client pointed at it, for the tests of everything that talks to
        // the Kubernetes API.
        .target(
            name: "ClusterTestSupport",
            dependencies: [
                "TestSupport", "Kubernetes", "HTTPClient", "LocalCluster", "JSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ClusterTestSupport"),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport", "PKI"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(
            name: "ClusterModelTests",
            dependencies: ["ClusterModel", "JSON", "ResourceQuantity", "TestSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "TestSupport"]),
        .testTarget(
            name: "KubernetesTests",
            dependencies: [
                "Kubernetes", "HTTPClient", "LocalCluster", "JSON", "TestSupport", "ClusterTestSupport",
            ]),
        .testTarget(
            name: "KubernetesClusterStoreTests",
            dependencies: [
                "KubernetesClusterStore", "ClusterModel", "ActionEngine", "Kubernetes", "JSON", "TestSupport",
                "ClusterTestSupport",
            ]),
        .testTarget(
            name: "LocalClusterTests",
            dependencies: [
                "LocalCluster", "Kubernetes", "JSON", "TestSupport", .product(name: "Yams", package: "Yams"),
            ]),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: [
                "Reconciler", "ClusterModel", "Kubernetes", "HTTPClient", "KubernetesClusterStore",
                "LocalCluster", "JSON", "TestSupport", "ClusterTestSupport", "PKI",
                .product(name: "Logging", package: "swift-log"),
                // The metrics topic step and the graceful tasks, held to the simulated brokers and
                // Cruise Control through the real clients.
                "KafkaAdmin", "KafkaProtocol", "LocalKafka", "CruiseControl", "HTTPServer",
            ]),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["KafkaProtocol", "TestSupport"]),
        .testTarget(name: "KeystoresTests", dependencies: ["Keystores", "TestSupport", "PKI", "COpenSSL"]),
        .testTarget(
            name: "PKITests",
            dependencies: [
                "PKI", "TestSupport", .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(
            name: "KafkaAdminTests",
            dependencies: ["KafkaAdmin", "KafkaProtocol", "ClusterModel", "AddressResolution", "TestSupport"]),
        .testTarget(
            name: "LocalKafkaTests",
            dependencies: [
                "LocalKafka", "HTTPServer", "JSON", "KafkaProtocol", "KafkaAdmin", "AddressResolution",
                "TestSupport", "PKI",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "CruiseControlTests",
            dependencies: [
                "CruiseControl", "HTTPClient", "AddressResolution", "LocalKafka", "HTTPServer", "JSON",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "AlertReceiverTests",
            dependencies: [
                "AlertReceiver", "ClusterModel", "ActionEngine", "HTTPServer", "JSON", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ActionEngineTests", dependencies: ["ActionEngine", "ClusterModel", "TestSupport"]),
        .testTarget(
            name: "OperatorTests",
            dependencies: [
                "kafka-operator", "TestSupport", "ClusterTestSupport", "Kubernetes", "JSON", "LocalCluster",
                "LocalKafka", "HTTPServer",
                "AddressResolution", "ClusterModel", "PKI",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
