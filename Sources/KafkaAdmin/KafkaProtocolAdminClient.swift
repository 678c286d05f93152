import KafkaProtocol

/// The `KafkaAdminClient` that speaks the Kafka wire protocol to real brokers.
///
/// It starts from a bootstrap list, fails over to the next address when one does not answer,
/// learns broker addresses from metadata, and keeps one connection per broker (chosen by node
/// id) for requests that must reach a particular broker. Every call is bounded: each
/// connection step by the options' timeouts, and the failover loop by `attempts` passes with
/// doubling backoff between them.
public actor KafkaProtocolAdminClient: KafkaAdminClient, KafkaTopicAdminClient {
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

    /// Runs `body` with one deadline, `timeout` from now, for every call it makes on any client:
    /// the bound of a command that makes several calls. Without it each call has its own
    /// `callTimeout`.
    public static func withDeadline<T: Sendable>(
        _ timeout: Duration, _ body: () async throws -> T
    ) async throws -> T {
        try await CallBudget.$current.withValue(CallBudget(timeout: timeout)) { try await body() }
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
        try await budgeted { _ in try await createTopicWithinBudget(topic) }
    }

    private func createTopicWithinBudget(_ topic: CreateTopicsRequest.Topic) async throws
        -> CreateTopicOutcome
    {
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

    // MARK: - KafkaTopicAdminClient

    public func createPartitions(topic: String, count: Int32) async throws {
        let request = CreatePartitionsRequest(
            topics: [.init(name: topic, count: count)], timeoutMs: brokerTimeoutMs)
        let response = try await toController { try await $0.send(request) }
        guard let result = response.results.first(where: { $0.name == topic }) else {
            throw KafkaAdminError.brokerError(
                api: .createPartitions, code: -1, message: "the response does not mention the topic",
                resource: "topic \(topic)")
        }
        guard result.errorCode == KafkaErrorCode.none else {
            throw KafkaAdminError.brokerError(
                api: .createPartitions, code: result.errorCode, message: result.errorMessage,
                resource: "topic \(topic)")
        }
    }

    public func describeTopicConfigs(_ topic: String) async throws -> [ConfigEntry] {
        try await describeConfigs(.init(type: .topic, name: topic))
    }

    public func incrementalAlterTopicConfigs(_ topic: String, operations: [ConfigOperation]) async throws {
        guard !operations.isEmpty else { return }
        let request = IncrementalAlterConfigsRequest(resources: [
            .init(type: .topic, name: topic, operations: operations)
        ])
        let response = try await withAnyBroker { try await $0.send(request) }
        for result in response.results where result.errorCode != KafkaErrorCode.none {
            throw KafkaAdminError.brokerError(
                api: .incrementalAlterConfigs, code: result.errorCode, message: result.errorMessage,
                resource: "topic \(topic)")
        }
    }

    public func deleteTopic(_ topic: String) async throws -> DeleteTopicOutcome {
        let request = DeleteTopicsRequest(names: [topic], timeoutMs: brokerTimeoutMs)
        let response = try await toController { try await $0.send(request) }
        guard let result = response.results.first(where: { $0.name == topic }) else {
            throw KafkaAdminError.brokerError(
                api: .deleteTopics, code: -1, message: "the response does not mention the topic",
                resource: "topic \(topic)")
        }
        switch result.errorCode {
        case KafkaErrorCode.none: return .deleted
        case KafkaErrorCode.unknownTopicOrPartition: return .notFound
        default:
            throw KafkaAdminError.brokerError(
                api: .deleteTopics, code: result.errorCode, message: result.errorMessage,
                resource: "topic \(topic)")
        }
    }

    /// How long a broker may take over a topic change: within the client's own request timeout,
    /// so the broker's answer (done or timed out) arrives before the client gives up.
    private var brokerTimeoutMs: Int32 {
        Int32(clamping: options.requestTimeout.components.seconds * 1000 * 3 / 4)
    }

    /// Sends to the controller, which makes topic changes; any broker when none is known.
    private func toController<T: Sendable>(_ body: (BrokerConnection) async throws -> T) async throws -> T {
        try await budgeted { _ in
            let controller = try await metadata(topics: []).controllerId
            if controller >= 0 { return try await withBroker(controller, body) }
            return try await withAnyBroker(body)
        }
    }

    public func logDirReplicaCounts(broker: Int32) async throws -> [String: Int] {
        let response = try await withBroker(broker) { try await $0.send(DescribeLogDirsRequest(topics: nil)) }
        guard response.errorCode == KafkaErrorCode.none else {
            throw KafkaAdminError.brokerError(
                api: .describeLogDirs, code: response.errorCode, message: nil, resource: "broker \(broker)")
        }
        var counts: [String: Int] = [:]
        for logDir in response.results {
            guard logDir.errorCode == KafkaErrorCode.none else {
                throw KafkaAdminError.brokerError(
                    api: .describeLogDirs, code: logDir.errorCode, message: nil,
                    resource: "log dir \(logDir.path) of broker \(broker)")
            }
            // A future replica (a move between directories in flight) counts where it lands too.
            counts[logDir.path, default: 0] += logDir.topics.reduce(0) { $0 + $1.partitions.count }
        }
        return counts
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

    /// Runs `body` within the call's budget: the one already under way in this task (a call
    /// this call makes, or a command's `withDeadline`), else a new one of `options.callTimeout`.
    private func budgeted<T: Sendable>(_ body: (CallBudget) async throws -> T) async throws -> T {
        if let budget = CallBudget.current { return try await body(budget) }
        let budget = CallBudget(timeout: options.callTimeout)
        return try await CallBudget.$current.withValue(budget) { try await body(budget) }
    }

    /// Runs `body` on a connection to any broker: the current one, else the bootstrap list and
    /// then known brokers in order, over `attempts` passes with backoff between passes, all
    /// within the call's deadline.
    ///
    /// As librdkafka does, any failure of one address (no answer, an answer that is not Kafka,
    /// a TLS or SASL failure) moves on to the next; only when every address failed does the
    /// call fail, with a terminal error of theirs when none of the failures was retryable.
    func withAnyBroker<T: Sendable>(_ body: (BrokerConnection) async throws -> T) async throws -> T {
        try await budgeted { budget in
            var failures: [AddressFailure] = []
            for pass in 0..<options.attempts {
                if pass > 0 {
                    // Another pass cannot help when every address failed for a reason that stays.
                    guard failures.contains(where: \.error.isRetryable) else { break }
                    try await backoff(pass: pass, budget: budget, failures: failures)
                }
                if let connection = anyConnection {
                    if budget.deadline.hasPassed { throw budget.exceeded(failures.map(\.text)) }
                    do { return try await body(connection) } catch let error as KafkaAdminError
                        where error.endsThisAddress
                    {
                        failures.append(AddressFailure(address: connection.address, error: error))
                        connection.close()
                        if anyConnection === connection { anyConnection = nil }
                    }
                }
                let known = addressesByNode.keys.sorted().compactMap { addressesByNode[$0] }
                var candidates = bootstrap
                for address in known where !candidates.contains(address) { candidates.append(address) }
                for address in candidates {
                    if budget.deadline.hasPassed { throw budget.exceeded(failures.map(\.text)) }
                    // Calls interleave on this actor while one awaits, so only the connection this
                    // attempt opened is closed and forgotten when it fails.
                    var opened: BrokerConnection?
                    do {
                        let connection = try await BrokerConnection.open(
                            to: address, options: options, deadline: budget.deadline)
                        opened = connection
                        anyConnection = connection
                        return try await body(connection)
                    } catch let error as KafkaAdminError where error.endsThisAddress {
                        failures.append(AddressFailure(address: address, error: error))
                        opened?.close()
                        if let opened, anyConnection === opened { anyConnection = nil }
                    }
                }
            }
            if budget.deadline.hasPassed { throw budget.exceeded(failures.map(\.text)) }
            if let terminal = failures.first?.error, !failures.contains(where: \.error.isRetryable) {
                throw terminal
            }
            throw KafkaAdminError.noBrokerReachable(attempts: failures.map(\.text))
        }
    }

    /// Runs `body` on the connection to broker `id`, learning its address from metadata if
    /// needed, within the call's deadline.
    private func withBroker<T: Sendable>(_ id: Int32, _ body: (BrokerConnection) async throws -> T)
        async throws
        -> T
    {
        try await budgeted { budget in
            var lastError: KafkaAdminError = .unknownBroker(id: id)
            var failures: [AddressFailure] = []
            for pass in 0..<options.attempts {
                if pass > 0 { try await backoff(pass: pass, budget: budget, failures: failures) }
                if addressesByNode[id] == nil { _ = try await metadata(topics: []) }
                guard let address = addressesByNode[id] else {
                    lastError = .unknownBroker(id: id)
                    continue
                }
                if budget.deadline.hasPassed { throw budget.exceeded(failures.map(\.text)) }
                var used: BrokerConnection?
                do {
                    let connection: BrokerConnection
                    if let existing = connectionsByNode[id] {
                        connection = existing
                    } else {
                        connection = try await BrokerConnection.open(
                            to: address, options: options, deadline: budget.deadline)
                        connectionsByNode[id] = connection
                    }
                    used = connection
                    return try await body(connection)
                } catch let error as KafkaAdminError where error.isConnectionFailure {
                    lastError = error
                    failures.append(AddressFailure(address: address, error: error))
                    used?.close()
                    if let used, connectionsByNode[id] === used { connectionsByNode[id] = nil }
                }
            }
            if budget.deadline.hasPassed { throw budget.exceeded(failures.map(\.text)) }
            throw lastError
        }
    }

    /// Waits before another pass, never past the call's deadline.
    private func backoff(pass: Int, budget: CallBudget, failures: [AddressFailure]) async throws {
        let remaining = budget.deadline.remaining
        guard remaining > .zero else { throw budget.exceeded(failures.map(\.text)) }
        let factor = 1 << min(pass - 1, 6)
        try await options.sleep(min(options.initialBackoff * factor, remaining))
    }
}

/// One address that failed during a call, and how.
private struct AddressFailure {
    let address: BrokerAddress
    let error: KafkaAdminError

    var text: String { "\(address): \(error.briefReason)" }
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
        case .malformedResponse(_, let api, let problem): return "not a Kafka \(api) answer (\(problem))"
        case .tlsFailed(_, let reason): return "TLS failed (\(reason))"
        case .saslFailed(_, let mechanism, let reason): return "SASL \(mechanism) failed (\(reason))"
        case .noCommonVersion(_, let api, _, _): return "no \(api) version in common"
        default: return description
        }
    }

    /// Failures of one address, after which another address may answer: the connection's own
    /// failures, and a peer that is not (or not the same) Kafka broker as configured, such as an
    /// HTTP or TLS service answering with bytes that are no Kafka frame.
    var endsThisAddress: Bool {
        switch self {
        case .malformedResponse, .tlsFailed, .saslFailed, .noCommonVersion: return true
        default: return isConnectionFailure
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
