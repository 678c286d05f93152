import JSON

/// `spec.envoyConfig`: the Envoy deployment in front of each external listener, with
/// Koperator's field names and defaults. Kubernetes objects (resources, affinity,
/// tolerations, security context) are kept as written and placed in Envoy's pod.
public struct EnvoyConfig: Codable, Equatable, Sendable {
    public var image: String?
    /// The Envoy container's `ResourceRequirements`.
    public var resourceRequirements: JSONValue?
    public var replicas: Int32?
    public var serviceAccountName: String?
    /// `LocalObjectReference`s.
    public var imagePullSecrets: JSONValue?
    /// An `Affinity`.
    public var affinity: JSONValue?
    /// `TopologySpreadConstraint`s.
    public var topologySpreadConstraints: JSONValue?
    public var nodeSelector: [String: String]?
    /// `Toleration`s.
    public var tolerations: JSONValue?
    /// Annotations of the Deployment and its pods.
    public var annotations: [String: String]?
    /// Who may reach the load balancer (CIDRs), passed to the Service.
    public var loadBalancerSourceRanges: [String]?
    /// An address asked of the cloud for the load balancer.
    public var loadBalancerIP: String?
    public var adminPort: Int32?
    public var healthCheckPort: Int32?
    /// A PodDisruptionBudget for Envoy's pods.
    public var disruptionBudget: EnvoyDisruptionBudget?
    public var envoyCommandLineArgs: EnvoyCommandLineArgs?
    public var priorityClassName: String?
    /// The health listener also accepts HTTP/1.0 (some cloud load balancers probe with it).
    public var enableHealthCheckHttp10: Bool?
    public var podSecurityContext: JSONValue?
    /// Beyond Koperator's fields: how long Envoy waits for a broker to accept a connection, as
    /// a duration (`500ms`, `2s`); Koperator's fixed 1 s when unset.
    public var connectTimeout: String?
    /// Beyond Koperator's fields: a client connection idle this long is closed (`30m`); Envoy's
    /// own 1 h when unset.
    public var idleTimeout: String?
    /// Beyond Koperator's fields: at most this many connections to each broker (and as many
    /// through the any-cast port); Koperator's practically unlimited when unset.
    public var maxConnections: Int32?

    public init() {}

    public static let defaultImage = "envoyproxy/envoy:v1.22.2"
    public static let defaultAdminPort: Int32 = 8081
    public static let defaultHealthCheckPort: Int32 = 8080

    public var effectiveImage: String { image.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultImage }
    public var effectiveReplicas: Int32 { replicas.flatMap { $0 > 0 ? $0 : nil } ?? 1 }
    public var effectiveAdminPort: Int32 { adminPort ?? Self.defaultAdminPort }
    public var effectiveHealthCheckPort: Int32 { healthCheckPort ?? Self.defaultHealthCheckPort }
    /// `connectTimeout` in milliseconds; 1 s when unset or not a duration.
    public var connectTimeoutMilliseconds: Int64 {
        connectTimeout.flatMap(DurationText.milliseconds) ?? 1_000
    }

    /// `idleTimeout` in milliseconds; nil (Envoy's default) when unset or not a duration.
    public var idleTimeoutMilliseconds: Int64? { idleTimeout.flatMap(DurationText.milliseconds) }

    /// Envoy's worker threads; nil leaves Envoy's default (one per core).
    public var concurrency: Int32? { envoyCommandLineArgs?.concurrency.flatMap { $0 > 0 ? $0 : nil } }
}

public struct EnvoyCommandLineArgs: Codable, Equatable, Sendable {
    public var concurrency: Int32?

    public init(concurrency: Int32? = nil) { self.concurrency = concurrency }
}

/// Koperator's `DisruptionBudgetWithStrategy`: a budget of Envoy pods, as `minAvailable` (the
/// default) or `maxUnavailable`.
public struct EnvoyDisruptionBudget: Codable, Equatable, Sendable {
    public var create: Bool?
    /// A number of pods (`"1"`) or a percentage (`"50%"`).
    public var budget: String?
    /// `minAvailable` or `maxUnavailable`.
    public var strategy: String?

    public init(create: Bool? = nil, budget: String? = nil, strategy: String? = nil) {
        self.create = create
        self.budget = budget
        self.strategy = strategy
    }

    /// Whether the budget limits unavailable pods rather than keeping a number available.
    public var limitsUnavailable: Bool { strategy == "maxUnavailable" }

    /// The budget as a count, or as a percentage (`"50%"`); nil when it is neither.
    public var parsedBudget: (count: Int32?, percentage: String?)? {
        let text = budget ?? ""
        if let count = Int32(text), count >= 0 { return (count, nil) }
        if text.hasSuffix("%"), let percent = Int(text.dropLast()), (0...100).contains(percent) {
            return (nil, text)
        }
        return nil
    }
}

/// A duration as Kubernetes and Go write it: one or more `<number><unit>` with units `ms`,
/// `s`, `m` and `h` (`1m30s`, `500ms`, `2.5s`).
public enum DurationText {
    /// The duration in milliseconds; nil when `text` is not one, is negative or overflows.
    public static func milliseconds(_ text: String) -> Int64? {
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "ms": total += value
            case "s": total += value * 1_000
            case "m": total += value * 60_000
            case "h": total += value * 3_600_000
            default: return nil
            }
        }
        guard total.isFinite, total < Double(Int64.max / 2) else { return nil }
        return Int64(total.rounded())
    }
}
