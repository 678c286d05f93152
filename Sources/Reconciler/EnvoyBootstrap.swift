import ClusterModel
import JSON

/// The Envoy v3 bootstrap for one external listener, laid out as Koperator lays it out: per
/// broker a TCP listener on `externalStartingPort + id` forwarding to that broker's container
/// port (cluster `broker-<id>`), the any-cast listener on the ingress target port spreading
/// over every broker (cluster `all-brokers`, health-checked on the brokers' metrics port), the
/// `/healthcheck` listener a cloud load balancer probes, and the admin listener. Connections
/// are logged to standard output. Static: a change is a new file and an Envoy rollout.
///
/// Written as JSON, which Envoy reads as the YAML it is.
public struct EnvoyBootstrap: Equatable, Sendable {
    public let json: JSONValue

    static let allBrokers = "all-brokers"
    static let healthCheckPath = "/healthcheck"
    /// Where the JMX exporter answers a health check on every broker.
    static let brokerHealthPath = "/-/healthy"
    /// Koperator's circuit-breaker thresholds: high enough that Envoy never refuses a client.
    static let unlimited: JSONValue = .number("1000000000")

    public init(
        spec: KafkaClusterSpec, listener: ExternalListener, brokerIDs: [Int32], clusterName: String,
        namespace: String
    ) {
        let envoy = spec.envoyConfig ?? EnvoyConfig()
        var listeners: [JSONValue] = []
        var clusters: [JSONValue] = []
        for id in brokerIDs {
            let name = "broker-\(id)"
            listeners.append(
                Self.tcpListener(
                    name: name, port: listener.externalPort(of: id), cluster: name,
                    statPrefix: "broker_tcp-\(id)", envoy: envoy))
            let host = ResourceConventions.brokerHost(
                cluster: clusterName, broker: id, namespace: namespace, spec: spec)
            clusters.append(
                Self.cluster(
                    name: name, endpoint: Self.endpoint(host: host, port: listener.containerPort),
                    envoy: envoy))
        }
        listeners.append(
            Self.tcpListener(
                name: Self.allBrokers, port: listener.effectiveIngressControllerTargetPort,
                cluster: Self.allBrokers,
                statPrefix: Self.allBrokers, envoy: envoy))
        listeners.append(
            Self.healthListener(
                port: Int(envoy.effectiveHealthCheckPort), http10: envoy.enableHealthCheckHttp10 == true))
        var anyCast = Self.endpoint(
            host: ResourceConventions.clusterServiceHost(
                cluster: clusterName, namespace: namespace, spec: spec),
            port: listener.containerPort)
        if case .object(var fields) = anyCast {
            fields.insert(
                (
                    "health_check_config",
                    .object([("port_value", Self.number(Int(ResourceConventions.metricsPort)))])
                ),
                at: 0)
            anyCast = .object(fields)
        }
        clusters.append(
            Self.cluster(
                name: Self.allBrokers, endpoint: anyCast, envoy: envoy,
                extra: [
                    ("ignore_health_on_host_removal", .bool(true)),
                    (
                        "health_checks",
                        .array([
                            .object([
                                ("timeout", .string("1s")), ("interval", .string("5s")),
                                ("interval_jitter", .string("1s")), ("unhealthy_threshold", Self.number(2)),
                                ("healthy_threshold", Self.number(1)), ("no_traffic_interval", .string("5s")),
                                ("unhealthy_interval", .string("2s")),
                                ("http_health_check", .object([("path", .string(Self.brokerHealthPath))])),
                            ])
                        ])
                    ),
                ]))
        json = .object([
            ("admin", .object([("address", Self.socketAddress(port: Int(envoy.effectiveAdminPort)))])),
            (
                "static_resources",
                .object([("listeners", .array(listeners)), ("clusters", .array(clusters))])
            ),
        ])
    }

    /// The file's text: the bootstrap as JSON.
    public var text: String { String(decoding: json.encoded(), as: UTF8.self) }

    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    static func socketAddress(host: String = "0.0.0.0", port: Int) -> JSONValue {
        .object([
            ("socket_address", .object([("address", .string(host)), ("port_value", number(port))]))
        ])
    }

    static func endpoint(host: String, port: Int) -> JSONValue {
        .object([("address", socketAddress(host: host, port: port))])
    }

    static let stdoutAccessLog: JSONValue = .array([
        .object([
            ("name", .string("envoy.access_loggers.stdout")),
            (
                "typed_config",
                .object([
                    (
                        "@type",
                        .string(
                            "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog")
                    )
                ])
            ),
        ])
    ])

    /// Envoy's JSON duration: seconds with up to millisecond precision (`1s`, `0.500s`).
    static func duration(milliseconds: Int64) -> JSONValue {
        let fraction = String(milliseconds % 1_000)
        return .string(
            milliseconds % 1_000 == 0
                ? "\(milliseconds / 1_000)s"
                : "\(milliseconds / 1_000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s")
    }

    static func tcpListener(name: String, port: Int, cluster: String, statPrefix: String, envoy: EnvoyConfig)
        -> JSONValue
    {
        var proxy: [(key: String, value: JSONValue)] = [
            (
                "@type",
                .string("type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy")
            ),
            ("stat_prefix", .string(statPrefix)),
            ("cluster", .string(cluster)),
            ("max_connect_attempts", number(2)),
            ("access_log", stdoutAccessLog),
        ]
        if let idle = envoy.idleTimeoutMilliseconds {
            proxy.append(("idle_timeout", duration(milliseconds: idle)))
        }
        return .object([
            ("name", .string(name)),
            ("address", socketAddress(port: port)),
            (
                "filter_chains",
                .array([
                    .object([
                        (
                            "filters",
                            .array([
                                .object([
                                    ("name", .string("envoy.filters.network.tcp_proxy")),
                                    ("typed_config", .object(proxy)),
                                ])
                            ])
                        )
                    ])
                ])
            ),
        ])
    }

    /// `/healthcheck` answers 200 while at least one broker of `all-brokers` is healthy, and
    /// every other path is redirected to it.
    static func healthListener(port: Int, http10: Bool) -> JSONValue {
        var manager: [(key: String, value: JSONValue)] = [
            (
                "@type",
                .string(
                    "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
                )
            ),
            ("stat_prefix", .string("\(allBrokers)-healthcheck")),
            (
                "route_config",
                .object([
                    ("name", .string("local")),
                    (
                        "virtual_hosts",
                        .array([
                            .object([
                                ("name", .string("localhost")), ("domains", .array([.string("*")])),
                                (
                                    "routes",
                                    .array([
                                        .object([
                                            ("match", .object([("prefix", .string("/"))])),
                                            (
                                                "redirect",
                                                .object([("path_redirect", .string(healthCheckPath))])
                                            ),
                                        ])
                                    ])
                                ),
                            ])
                        ])
                    ),
                ])
            ),
            (
                "http_filters",
                .array([
                    .object([
                        ("name", .string("envoy.filters.http.health_check")),
                        (
                            "typed_config",
                            .object([
                                (
                                    "@type",
                                    .string(
                                        "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck"
                                    )
                                ),
                                ("pass_through_mode", .bool(false)),
                                (
                                    "headers",
                                    .array([
                                        .object([
                                            ("name", .string(":path")),
                                            ("string_match", .object([("exact", .string(healthCheckPath))])),
                                        ])
                                    ])
                                ),
                                (
                                    "cluster_min_healthy_percentages",
                                    .object([(allBrokers, .object([("value", .number("1"))]))])
                                ),
                            ])
                        ),
                    ]),
                    .object([
                        ("name", .string("envoy.filters.http.router")),
                        (
                            "typed_config",
                            .object([
                                (
                                    "@type",
                                    .string(
                                        "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router")
                                )
                            ])
                        ),
                    ]),
                ])
            ),
            ("access_log", stdoutAccessLog),
        ]
        if http10 { manager.append(("http_protocol_options", .object([("accept_http_10", .bool(true))]))) }
        return .object([
            ("name", .string("healthcheck")),
            ("address", socketAddress(port: port)),
            (
                "filter_chains",
                .array([
                    .object([
                        (
                            "filters",
                            .array([
                                .object([
                                    ("name", .string("envoy.filters.network.http_connection_manager")),
                                    ("typed_config", .object(manager)),
                                ])
                            ])
                        )
                    ])
                ])
            ),
        ])
    }

    /// An upstream cluster: `envoy`'s connect timeout, and its connection limit (Koperator's
    /// practically unlimited thresholds when none is set) on new and pending connections.
    static func cluster(
        name: String, endpoint: JSONValue, envoy: EnvoyConfig, extra: [(key: String, value: JSONValue)] = []
    ) -> JSONValue {
        let connections = envoy.maxConnections.map { number(Int($0)) } ?? unlimited
        let thresholds = ["DEFAULT", "HIGH"].map { priority in
            JSONValue.object([
                ("priority", .string(priority)), ("max_connections", connections),
                ("max_pending_requests", connections), ("max_requests", unlimited),
                ("max_retries", unlimited),
            ])
        }
        return .object(
            [
                ("name", .string(name)),
                ("connect_timeout", duration(milliseconds: envoy.connectTimeoutMilliseconds)),
                ("type", .string("STRICT_DNS")),
                ("lb_policy", .string("ROUND_ROBIN")),
                ("circuit_breakers", .object([("thresholds", .array(thresholds))])),
                (
                    "load_assignment",
                    .object([
                        ("cluster_name", .string(name)),
                        (
                            "endpoints",
                            .array([.object([("lb_endpoints", .array([.object([("endpoint", endpoint)])]))])])
                        ),
                    ])
                ),
            ] + extra)
    }
}
