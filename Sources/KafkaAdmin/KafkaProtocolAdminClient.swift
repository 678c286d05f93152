/// The `KafkaAdminClient` that speaks the Kafka wire protocol to real brokers.
///
/// It starts from a bootstrap list, fails over to the next address when one does not answer,
/// learns broker addresses from metadata, and keeps one connection per broker (chosen by node
/// id) for requests that must reach a particular broker. Every call is bounded: each
/// connection step by the options' timeouts, and the failover loop by `attempts` passes with
/// doubling backoff between them.
public actor KafkaProtocolAdminClient: KafkaAdminClient {
    private let bootstrap: [BrokerAddress]
    private let options: KafkaAdminOptions
    private var anyConnection: BrokerConnection?
    private var connectionsByNode: [Int32: BrokerConnection] = [:]
    private var addressesByNode: [Int32: BrokerAddress] = [:]

    public init(bootstrap: [BrokerAddress], options: KafkaAdminOptions = KafkaAdminOptions()) throws {
        guard !bootstrap.isEmpty else { throw KafkaAdminError.invalidBootstrap("") }
        self.bootstrap = bootstrap
        self.options = options
    }

    /// `bootstrap` is `host:port,host:port`.
    public init(bootstrap: String, options: KafkaAdminOptions = KafkaAdminOptions()) throws {
        try self.init(bootstrap: try BrokerAddress.parseList(bootstrap), options: options)
    }

    /// Closes every connection; the client reconnects if used again.
    public func close() {
        anyConnection?.close()
        anyConnection = nil
        for connection in connectionsByNode.values { connection.close() }
        connectionsByNode = [:]
    }

    /// The versions a broker answered ApiVersions with, for the APIs this client uses.
    public func negotiatedRanges() async throws -> [ApiKey: ClosedRange<Int16>] {
        try await withAnyBroker { connection in
            var ranges: [ApiKey: ClosedRange<Int16>] = [:]
            for key in ApiKey.allCases {
                if let range = await connection.brokerRange(for: key) { ranges[key] = range }
            }
            return ranges
        }
    }

    /// The version requests of `type` are sent at, after negotiation and caps.
    public func version<Request: KafkaRequest>(for type: Request.Type) async throws -> Int16 {
        try await withAnyBroker { try await $0.version(for: type) }
    }

    /// Any resource's configuration (a topic's, say), asked of any broker.
    public func describeConfigs(_ resource: DescribeConfigsRequest.Resource) async throws -> [ConfigEntry] {
        let response = try await withAnyBroker {
            try await $0.send(DescribeConfigsRequest(resources: [resource]))
        }
        return try Self.entries(of: response, resource: "\(resource.type) \(resource.name)")
    }

    // MARK: - KafkaAdminClient

    public func metadata(topics: [String]?) async throws -> MetadataResponse {
        let response = try await withAnyBroker { try await $0.send(MetadataRequest(topics: topics)) }
        remember(response.brokers)
        return response
    }

    public func describeCluster() async throws -> DescribeClusterResponse {
        let response = try await withAnyBroker { try await $0.send(DescribeClusterRequest()) }
        guard response.errorCode == KafkaErrorCode.none else {
            throw KafkaAdminError.brokerError(
                api: .describeCluster, code: response.errorCode, message: response.errorMessage, resource: nil
            )
        }
        remember(response.brokers)
        return response
    }

    public func describeConfigs(broker: Int32) async throws -> [ConfigEntry] {
        try await describeConfigs(.broker(broker))
    }

    public func describeClusterDefaultConfigs() async throws -> [ConfigEntry] {
        try await describeConfigs(.clusterDefault)
    }

    public func incrementalAlterConfigs(_ target: ConfigTarget, operations: [ConfigOperation]) async throws {
        guard !operations.isEmpty else { return }
        let request = IncrementalAlterConfigsRequest(resources: [
            .init(type: .broker, name: target.resourceName, operations: operations)
        ])
        let response = try await withTarget(target) { try await $0.send(request) }
        for result in response.results where result.errorCode != KafkaErrorCode.none {
            throw KafkaAdminError.brokerError(
                api: .incrementalAlterConfigs, code: result.errorCode, message: result.errorMessage,
                resource: target.description)
        }
    }

    public func createTopic(_ topic: CreateTopicsRequest.Topic) async throws -> CreateTopicOutcome {
        let brokerTimeout = options.requestTimeout.components.seconds * 1000 * 3 / 4
        let request = CreateTopicsRequest(topics: [topic], timeoutMs: Int32(clamping: brokerTimeout))
        let controller = try await metadata(topics: []).controllerId
        let response: CreateTopicsResponse
        if controller >= 0 {
            response = try await withBroker(controller) { try await $0.send(request) }
        } else {
            response = try await withAnyBroker { try await $0.send(request) }
        }
        guard let result = response.results.first(where: { $0.name == topic.name }) else {
            throw KafkaAdminError.brokerError(
                api: .createTopics, code: -1, message: "the response does not mention the topic",
                resource: "topic \(topic.name)")
        }
        switch result.errorCode {
        case KafkaErrorCode.none: return .created
        case KafkaErrorCode.topicAlreadyExists: return .alreadyExists
        default:
            throw KafkaAdminError.brokerError(
                api: .createTopics, code: result.errorCode, message: result.errorMessage,
                resource: "topic \(topic.name)")
        }
    }

    public func healthReport(expectedBrokers: [Int32]) async throws -> ClusterHealthReport {
        ClusterHealthReport(metadata: try await metadata(topics: nil), expectedBrokers: expectedBrokers)
    }

    // MARK: - Routing

    private func describeConfigs(_ target: ConfigTarget) async throws -> [ConfigEntry] {
        let request = DescribeConfigsRequest(resources: [.init(type: .broker, name: target.resourceName)])
        let response = try await withTarget(target) { try await $0.send(request) }
        return try Self.entries(of: response, resource: target.description)
    }

    private static func entries(of response: DescribeConfigsResponse, resource: String) throws
        -> [ConfigEntry]
    {
        guard let result = response.results.first else { return [] }
        guard result.errorCode == KafkaErrorCode.none else {
            throw KafkaAdminError.brokerError(
                api: .describeConfigs, code: result.errorCode, message: result.errorMessage,
                resource: resource)
        }
        return result.configs
    }

    /// A broker's own configuration must be read and altered on that broker; the cluster-wide
    /// default can go to any broker.
    private func withTarget<T: Sendable>(
        _ target: ConfigTarget, _ body: (BrokerConnection) async throws -> T
    ) async throws -> T {
        switch target {
        case .broker(let id): return try await withBroker(id, body)
        case .clusterDefault: return try await withAnyBroker(body)
        }
    }

    private func remember(_ brokers: [MetadataResponse.Broker]) {
        for broker in brokers {
            guard let port = UInt16(exactly: broker.port) else { continue }
            let address = BrokerAddress(host: broker.host, port: port)
            if addressesByNode[broker.nodeId] != address {
                connectionsByNode.removeValue(forKey: broker.nodeId)?.close()
                addressesByNode[broker.nodeId] = address
            }
        }
    }

    /// Runs `body` on a connection to any broker: the current one, else the bootstrap list and
    /// then known brokers in order, over `attempts` passes with backoff between passes.
    private func withAnyBroker<T: Sendable>(_ body: (BrokerConnection) async throws -> T) async throws -> T {
        var failures: [String] = []
        for pass in 0..<options.attempts {
            if pass > 0 { try await backoff(pass: pass) }
            if let connection = anyConnection {
                do { return try await body(connection) } catch let error as KafkaAdminError
                    where error.isConnectionFailure
                {
                    failures.append("\(connection.address): \(error.briefReason)")
                    connection.close()
                    if anyConnection === connection { anyConnection = nil }
                }
            }
            let known = addressesByNode.keys.sorted().compactMap { addressesByNode[$0] }
            var candidates = bootstrap
            for address in known where !candidates.contains(address) { candidates.append(address) }
            for address in candidates {
                // Calls interleave on this actor while one awaits, so only the connection this
                // attempt opened is closed and forgotten when it fails.
                var opened: BrokerConnection?
                do {
                    let connection = try await BrokerConnection.open(to: address, options: options)
                    opened = connection
                    anyConnection = connection
                    return try await body(connection)
                } catch let error as KafkaAdminError where error.isConnectionFailure {
                    failures.append("\(address): \(error.briefReason)")
                    opened?.close()
                    if let opened, anyConnection === opened { anyConnection = nil }
                }
            }
        }
        throw KafkaAdminError.noBrokerReachable(attempts: failures)
    }

    /// Runs `body` on the connection to broker `id`, learning its address from metadata if needed.
    private func withBroker<T: Sendable>(_ id: Int32, _ body: (BrokerConnection) async throws -> T)
        async throws
        -> T
    {
        var lastError: KafkaAdminError = .unknownBroker(id: id)
        for pass in 0..<options.attempts {
            if pass > 0 { try await backoff(pass: pass) }
            if addressesByNode[id] == nil { _ = try await metadata(topics: []) }
            guard let address = addressesByNode[id] else {
                lastError = .unknownBroker(id: id)
                continue
            }
            var used: BrokerConnection?
            do {
                let connection: BrokerConnection
                if let existing = connectionsByNode[id] {
                    connection = existing
                } else {
                    connection = try await BrokerConnection.open(to: address, options: options)
                    connectionsByNode[id] = connection
                }
                used = connection
                return try await body(connection)
            } catch let error as KafkaAdminError where error.isConnectionFailure {
                lastError = error
                used?.close()
                if let used, connectionsByNode[id] === used { connectionsByNode[id] = nil }
            }
        }
        throw lastError
    }

    private func backoff(pass: Int) async throws {
        let factor = 1 << min(pass - 1, 6)
        try await options.sleep(options.initialBackoff * factor)
    }
}

extension KafkaAdminError {
    /// A few words for lists of failed attempts, without the broker address or retry advice.
    var briefReason: String {
        switch self {
        case .addressResolutionFailed(_, let reason): return "cannot resolve (\(reason))"
        case .connectFailed(_, let reason): return reason
        case .timedOut(_, let operation): return "timed out during \(operation)"
        case .connectionClosed: return "connection closed"
        case .ioFailed(_, let reason): return reason
        case .correlationMismatch(_, let expected, let received):
            return "correlation id \(received) instead of \(expected)"
        default: return description
        }
    }

    /// Failures of the connection itself, after which another broker (or a reconnect) may work.
    var isConnectionFailure: Bool {
        switch self {
        case .addressResolutionFailed, .connectFailed, .timedOut, .connectionClosed, .ioFailed,
            .correlationMismatch:
            return true
        default:
            return false
        }
    }
}
