import KafkaProtocol

/// The Kafka side of the simulated cluster as its brokers answer it on the wire: the cluster
/// model, broker and topic configuration, topic ids and ACLs. `answer(_:broker:)` turns one request
/// frame's payload into the response frame, or nil where Kafka closes the connection (an
/// unknown API key, an unsupported version of anything but ApiVersions, undecodable bytes).
public actor SimulatedKafka {
    public let clusterID: String
    public let simulation: ClusterSimulation
    public private(set) var brokerConfigs = BrokerConfigs()
    public private(set) var topicConfigs = TopicConfigs()
    /// The running brokers' SSL listeners, which an alter of their keystore settings reloads.
    public nonisolated let listenerTLS = ListenerTLSRegistry()
    /// The cluster's ACLs, kept across broker restarts as Kafka's metadata keeps them.
    public internal(set) var acls = AclStore()
    /// What each broker advertises, by listener: its own socket (listener nil), or the
    /// advertised address of a listener it was started with.
    private var addresses: [Int32: [String?: (host: String, port: Int32)]] = [:]
    private var topicIDs: [String: [UInt8]] = [:]
    private var nextTopicID: UInt64 = 1

    public init(simulation: ClusterSimulation, clusterID: String = "local-kafka-cluster") {
        self.simulation = simulation
        self.clusterID = clusterID
    }

    public func setAddress(broker: Int32, listener: String? = nil, host: String, port: Int32) {
        addresses[broker, default: [:]][listener] = (host, port)
    }
    public func removeAddress(broker: Int32) { addresses[broker] = nil }

    /// Reads a broker's static configuration from its `server.properties`.
    public func setServerProperties(broker: Int32, _ text: String) {
        brokerConfigs.setStatic(broker: broker, serverProperties: text)
    }

    /// `listener` is the listener the request came in through (nil: the broker's own socket);
    /// `principal` is who sent it, as Kafka names the connection's authenticated client
    /// (`User:CN=alice`, `User:ANONYMOUS`), and `host` the client's address. When `broker` has an
    /// authorizer, they decide what the request may see and change (see `Authorizer`).
    public func answer(
        _ payload: [UInt8], broker: Int32, listener: String? = nil,
        principal: String = KafkaPrincipal.anonymous, host: String = "127.0.0.1"
    ) async -> [UInt8]? {
        guard let (header, body) = try? KafkaFrame.decodeRequestHeader(payload: payload) else { return nil }
        let access = ClientAccess(
            authorizer: authorizer(of: broker), principal: principal, host: host, acls: acls)
        do {
            return try await answer(header, body, broker: broker, listener: listener, access: access)
        } catch KafkaCodecError.unsupportedVersion where header.apiKey == .apiVersions {
            // KIP-511: a version the broker does not know is answered in v0 with its ranges.
            var refusal = ApiVersionsResponse.offeredByThisCodec
            refusal.errorCode = KafkaErrorCode.unsupportedVersion
            return try? KafkaFrame.encodeResponse(
                refusal, to: ApiVersionsRequest.self, version: 0, correlationId: header.correlationId)
        } catch {
            return nil
        }
    }

    private func answer(
        _ header: RequestHeader, _ body: WireReader, broker: Int32, listener: String?, access: ClientAccess
    ) async throws -> [UInt8] {
        func reply<R: KafkaRequest>(_ type: R.Type, _ make: (R) async throws -> R.Response) async throws
            -> [UInt8]
        {
            let request = try KafkaFrame.decodeRequest(type, header: header, body: body)
            return try KafkaFrame.encodeResponse(
                try await make(request), to: type, version: header.apiVersion,
                correlationId: header.correlationId)
        }
        switch header.apiKey {
        case .apiVersions: return try await reply(ApiVersionsRequest.self) { _ in .offeredByThisCodec }
        case .metadata:
            return try await reply(MetadataRequest.self) {
                await metadata($0, listener: listener, access: access)
            }
        case .describeCluster:
            return try await reply(DescribeClusterRequest.self) {
                await describeCluster($0, listener: listener, access: access)
            }
        case .createTopics:
            return try await reply(CreateTopicsRequest.self) { await createTopics($0, access: access) }
        case .deleteTopics:
            return try await reply(DeleteTopicsRequest.self) { await deleteTopics($0, access: access) }
        case .createPartitions:
            return try await reply(CreatePartitionsRequest.self) {
                await createPartitions($0, access: access)
            }
        case .describeConfigs:
            return try await reply(DescribeConfigsRequest.self) {
                await describeConfigs($0, broker: broker, access: access)
            }
        case .incrementalAlterConfigs:
            return try await reply(IncrementalAlterConfigsRequest.self) {
                await incrementalAlterConfigs($0, access: access)
            }
        case .alterConfigs:
            return try await reply(AlterConfigsRequest.self) { await alterConfigs($0, access: access) }
        case .describeLogDirs:
            return try await reply(DescribeLogDirsRequest.self) {
                await describeLogDirs($0, broker: broker, access: access)
            }
        case .describeAcls:
            return try await reply(DescribeAclsRequest.self) {
                describeAcls($0, broker: broker, access: access)
            }
        case .createAcls:
            return try await reply(CreateAclsRequest.self) {
                await createAcls($0, broker: broker, access: access)
            }
        case .deleteAcls:
            return try await reply(DeleteAclsRequest.self) {
                await deleteAcls($0, broker: broker, access: access)
            }
        case .saslHandshake, .saslAuthenticate:
            throw KafkaCodecError.unknownApiKey(header.apiKey.rawValue)
        }
    }

    // MARK: - Cluster

    /// The alive brokers' addresses on `listener`; a broker without that listener is left out,
    /// as Kafka leaves it out.
    private func advertised(_ cluster: SimulatedCluster, listener: String?) -> [MetadataResponse.Broker] {
        cluster.aliveBrokerIDs.compactMap { id in
            guard let address = addresses[id]?[listener] else { return nil }
            return .init(nodeId: id, host: address.host, port: address.port, rack: cluster.brokers[id]?.rack)
        }
    }

    /// All topics leaves out those the client may not DESCRIBE; a topic asked for by name is
    /// answered TOPIC_AUTHORIZATION_FAILED, whether it exists or not, as Kafka does not disclose it.
    /// The authorized operations asked for are reported for the topics described, and for the
    /// cluster (v8–v10) only to a client that may DESCRIBE it (0 to others).
    func metadata(_ request: MetadataRequest, listener: String? = nil, access: ClientAccess = .unrestricted)
        async -> MetadataResponse
    {
        let cluster = await simulation.snapshot()
        // One pass over the partition keys, grouped by topic: a large cluster's answer costs time
        // in proportion to its partitions, not partitions times topics.
        var byTopic: [String: [Int32]] = [:]
        for key in cluster.partitions.keys { byTopic[key.topic, default: []].append(key.partition) }
        let names =
            request.topics.map { $0.compactMap(\.name) }
            ?? byTopic.keys.sorted().filter { access.allows(.describe, on: .topic($0)) }
        let topics = names.map { name -> MetadataResponse.Topic in
            guard access.allows(.describe, on: .topic(name)) else {
                return .init(errorCode: KafkaErrorCode.topicAuthorizationFailed, name: name, partitions: [])
            }
            guard let indices = byTopic[name] else {
                return .init(errorCode: KafkaErrorCode.unknownTopicOrPartition, name: name, partitions: [])
            }
            return .init(
                name: name, topicId: topicID(name),
                partitions: indices.sorted().map { index in
                    let partition = cluster.partitions[TopicPartition(name, index)]!
                    return .init(
                        errorCode: partition.isOffline
                            ? KafkaErrorCode.leaderNotAvailable : KafkaErrorCode.none,
                        partitionIndex: index, leaderId: partition.leader ?? -1, leaderEpoch: 0,
                        replicaNodes: partition.replicas, isrNodes: partition.isr,
                        offlineReplicas: partition.replicas.filter { cluster.brokers[$0]?.isAlive != true })
                },
                topicAuthorizedOperations: request.includeTopicAuthorizedOperations
                    ? access.authorizedOperations(on: .topic(name)) : Int32.min)
        }
        return MetadataResponse(
            brokers: advertised(cluster, listener: listener), clusterId: clusterID,
            controllerId: cluster.controller ?? -1, topics: topics,
            clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
                ? clusterAuthorizedOperations(access) : Int32.min)
    }

    /// Answered to anyone; the cluster's authorized operations, when asked for, as in Metadata.
    func describeCluster(
        _ request: DescribeClusterRequest = DescribeClusterRequest(), listener: String? = nil,
        access: ClientAccess = .unrestricted
    ) async -> DescribeClusterResponse {
        let cluster = await simulation.snapshot()
        return DescribeClusterResponse(
            clusterId: clusterID, controllerId: cluster.controller ?? -1,
            brokers: advertised(cluster, listener: listener),
            clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
                ? clusterAuthorizedOperations(access) : Int32.min)
    }

    private func clusterAuthorizedOperations(_ access: ClientAccess) -> Int32 {
        access.allows(.describe, on: .cluster) ? access.authorizedOperations(on: .cluster) : 0
    }

    private func topicID(_ name: String) -> [UInt8] {
        if let id = topicIDs[name] { return id }
        var id = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: nextTopicID.bigEndian) { id.replaceSubrange(8..<16, with: $0) }
        id[0] = 0x4c  // never the all-zero "no id"
        nextTopicID += 1
        topicIDs[name] = id
        return id
    }

    // MARK: - Topics

    /// A topic needs CREATE on itself or on the cluster.
    func createTopics(_ request: CreateTopicsRequest, access: ClientAccess = .unrestricted) async
        -> CreateTopicsResponse
    {
        let mayCreateAny = access.allows(.create, on: .cluster)
        var results: [CreateTopicsResponse.Result] = []
        for topic in request.topics {
            guard mayCreateAny || access.allows(.create, on: .topic(topic.name)) else {
                results.append(
                    .init(
                        name: topic.name, errorCode: KafkaErrorCode.topicAuthorizationFailed,
                        errorMessage: "Authorization failed."))
                continue
            }
            do {
                let (partitions, factor) = try await createTopic(topic, validateOnly: request.validateOnly)
                results.append(
                    .init(
                        name: topic.name, topicId: request.validateOnly ? zeroUUID : topicID(topic.name),
                        errorCode: KafkaErrorCode.none, numPartitions: partitions, replicationFactor: factor))
            } catch {
                results.append(.init(name: topic.name, errorCode: error.code, errorMessage: error.message))
            }
        }
        return CreateTopicsResponse(results: results)
    }

    private func createTopic(_ topic: CreateTopicsRequest.Topic, validateOnly: Bool)
        async throws(KafkaRefusal)
        -> (Int32, Int16)
    {
        let cluster = await simulation.snapshot()
        guard Self.isValidTopicName(topic.name) else {
            throw KafkaRefusal(17, "Topic name \"\(topic.name)\" is illegal")
        }
        guard !cluster.topics.contains(topic.name) else {
            throw KafkaRefusal(KafkaErrorCode.topicAlreadyExists, "Topic '\(topic.name)' already exists.")
        }
        try TopicConfigs.validate(topic.configs)
        let assignment: [[Int32]]
        if !topic.assignments.isEmpty {
            guard topic.partitions == -1, topic.replicationFactor == -1 else {
                throw KafkaRefusal(
                    KafkaErrorCode.invalidRequest,
                    "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time."
                )
            }
            assignment = topic.assignments.sorted { $0.partitionIndex < $1.partitionIndex }.map(\.brokerIds)
        } else {
            let controller = cluster.controller ?? 0
            let count =
                topic.partitions == -1
                ? Int32(brokerConfigs.value("num.partitions", broker: controller) ?? "1") ?? 1
                : topic.partitions
            let factor =
                topic.replicationFactor == -1
                ? Int16(brokerConfigs.value("default.replication.factor", broker: controller) ?? "1") ?? 1
                : topic.replicationFactor
            guard count > 0 else {
                throw KafkaRefusal(
                    KafkaErrorCode.invalidPartitions,
                    "Number of partitions was set to an invalid non-positive value.")
            }
            guard factor > 0 else {
                throw KafkaRefusal(
                    KafkaErrorCode.invalidReplicationFactor,
                    "Replication factor must be larger than 0, or -1 to use the default value.")
            }
            assignment = try Self.place(
                count: Int(count), factor: Int(factor), on: cluster.aliveBrokerIDs, from: 0)
        }
        let minISR = Int(topic.configs["min.insync.replicas"] ?? "1") ?? 1
        if !validateOnly {
            do throws(SimulatedClusterError) {
                try await simulation.update {
                    (cluster: inout SimulatedCluster) throws(SimulatedClusterError) in
                    try cluster.createTopic(topic.name, assignment: assignment, minInSyncReplicas: minISR)
                }
            } catch {
                throw KafkaRefusal(39, error.description)  // INVALID_REPLICA_ASSIGNMENT
            }
            topicConfigs.set(topic.name, topic.configs)
        }
        return (Int32(assignment.count), Int16(assignment.first?.count ?? 0))
    }

    /// Round-robin placement over the alive brokers, as Kafka's replica placer spreads leaders
    /// and followers when no racks are set.
    static func place(count: Int, factor: Int, on brokers: [Int32], from start: Int) throws(KafkaRefusal)
        -> [[Int32]]
    {
        guard factor <= brokers.count else {
            throw KafkaRefusal(
                KafkaErrorCode.invalidReplicationFactor,
                "Unable to replicate the partition \(factor) time(s): The target replication factor of \(factor) "
                    + "cannot be reached because only \(brokers.count) broker(s) are registered.")
        }
        return (0..<count).map { index in (0..<factor).map { brokers[(start + index + $0) % brokers.count] } }
    }

    static func isValidTopicName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 249
            && name.allSatisfy {
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-")
            }
    }

    /// A topic needs DELETE on itself or on the cluster. One named by id that the client may
    /// not DESCRIBE either is answered without its name.
    func deleteTopics(_ request: DeleteTopicsRequest, access: ClientAccess = .unrestricted) async
        -> DeleteTopicsResponse
    {
        let mayDeleteAny = access.allows(.delete, on: .cluster)
        var results: [DeleteTopicsResponse.Result] = []
        for topic in request.topics {
            let name = topic.name ?? topicIDs.first { $0.value == topic.topicId }?.key
            if let name, !mayDeleteAny, !access.allows(.delete, on: .topic(name)) {
                let shown = topic.name != nil || access.allows(.describe, on: .topic(name))
                results.append(
                    .init(
                        name: shown ? name : nil, topicId: topic.topicId,
                        errorCode: KafkaErrorCode.topicAuthorizationFailed,
                        errorMessage: "Topic authorization failed."))
                continue
            }
            guard let name, await deleted(name) else {
                results.append(
                    .init(
                        name: topic.name, topicId: topic.topicId,
                        errorCode: KafkaErrorCode.unknownTopicOrPartition,
                        errorMessage: "This server does not host this topic-partition."))
                continue
            }
            results.append(
                .init(name: name, topicId: topicIDs[name] ?? zeroUUID, errorCode: KafkaErrorCode.none))
            topicConfigs.remove(name)
            topicIDs[name] = nil
        }
        return DeleteTopicsResponse(results: results)
    }

    private func deleted(_ topic: String) async -> Bool {
        do {
            try await simulation.update { (cluster: inout SimulatedCluster) throws(SimulatedClusterError) in
                try cluster.deleteTopic(topic)
            }
            return true
        } catch {
            return false
        }
    }

    /// A topic grows with ALTER on it.
    func createPartitions(_ request: CreatePartitionsRequest, access: ClientAccess = .unrestricted) async
        -> CreatePartitionsResponse
    {
        var results: [CreatePartitionsResponse.Result] = []
        for topic in request.topics {
            guard access.allows(.alter, on: .topic(topic.name)) else {
                results.append(.init(name: topic.name, errorCode: KafkaErrorCode.topicAuthorizationFailed))
                continue
            }
            do {
                try await createPartitions(topic, validateOnly: request.validateOnly)
                results.append(.init(name: topic.name, errorCode: KafkaErrorCode.none))
            } catch {
                results.append(.init(name: topic.name, errorCode: error.code, errorMessage: error.message))
            }
        }
        return CreatePartitionsResponse(results: results)
    }

    private func createPartitions(_ topic: CreatePartitionsRequest.Topic, validateOnly: Bool)
        async throws(KafkaRefusal)
    {
        let cluster = await simulation.snapshot()
        let existing = cluster.sortedPartitions.filter { $0.topic == topic.name }
        guard let first = existing.first.flatMap({ cluster.partitions[$0] }) else {
            throw KafkaRefusal(
                KafkaErrorCode.unknownTopicOrPartition, "The topic '\(topic.name)' does not exist.")
        }
        let current = Int32(existing.count)
        guard topic.count >= current else {
            throw KafkaRefusal(
                KafkaErrorCode.invalidPartitions,
                "The topic \(topic.name) currently has \(current) partition(s); \(topic.count) would not be an increase."
            )
        }
        guard topic.count > current else {
            throw KafkaRefusal(KafkaErrorCode.invalidPartitions, "Topic already has \(current) partition(s).")
        }
        let adding = Int(topic.count - current)
        let assignment: [[Int32]]
        if let given = topic.assignments {
            guard given.count == adding else {
                throw KafkaRefusal(
                    39,
                    "Increasing the number of partitions by \(adding) but \(given.count) assignments provided."
                )
            }
            assignment = given
        } else {
            assignment = try Self.place(
                count: adding, factor: first.replicas.count, on: cluster.aliveBrokerIDs, from: Int(current))
        }
        guard !validateOnly else { return }
        do throws(SimulatedClusterError) {
            try await simulation.update { (cluster: inout SimulatedCluster) throws(SimulatedClusterError) in
                try cluster.addPartitions(topic.name, assignment: assignment)
            }
        } catch {
            throw KafkaRefusal(39, error.description)
        }
    }

    // MARK: - Configuration

    /// A broker's configuration needs DESCRIBE_CONFIGS on the cluster, a topic's on the topic.
    func describeConfigs(
        _ request: DescribeConfigsRequest, broker: Int32, access: ClientAccess = .unrestricted
    ) async -> DescribeConfigsResponse {
        let cluster = await simulation.snapshot()
        let results = request.resources.map { resource -> DescribeConfigsResponse.Result in
            func result(_ configs: [ConfigEntry]) -> DescribeConfigsResponse.Result {
                .init(resourceType: resource.type.rawValue, resourceName: resource.name, configs: configs)
            }
            func refusal(_ code: Int16, _ message: String) -> DescribeConfigsResponse.Result {
                .init(
                    errorCode: code, errorMessage: message, resourceType: resource.type.rawValue,
                    resourceName: resource.name, configs: [])
            }
            if let denied = Self.configRefusal(resource.type, resource.name, .describeConfigs, access) {
                return refusal(denied.code, denied.message)
            }
            switch resource.type {
            case .broker:
                let level: Int32?
                do throws(KafkaRefusal) { level = try BrokerConfigs.level(of: resource.name) } catch {
                    return refusal(error.code, error.message)
                }
                guard let id = level else {
                    return result(
                        brokerConfigs.describeClusterDefault(
                            keys: resource.keys, includeSynonyms: request.includeSynonyms))
                }
                // A broker describes only itself (Kafka's `ConfigHelper`); clients send a
                // broker's resource to that broker.
                guard id == broker, cluster.brokers[id] != nil else {
                    return refusal(
                        KafkaErrorCode.invalidRequest,
                        "Unexpected broker id, expected \(broker) or empty string, but received \(id)")
                }
                return result(
                    brokerConfigs.describe(
                        broker: id, keys: resource.keys, includeSynonyms: request.includeSynonyms))
            case .topic:
                guard cluster.topics.contains(resource.name) else {
                    return refusal(
                        KafkaErrorCode.unknownTopicOrPartition, "The topic '\(resource.name)' does not exist."
                    )
                }
                return result(
                    topicConfigs.describe(
                        resource.name, keys: resource.keys, includeSynonyms: request.includeSynonyms,
                        brokerConfigs: brokerConfigs, broker: broker))
            default:
                return refusal(KafkaErrorCode.invalidRequest, "Unsupported resource type \(resource.type)")
            }
        }
        return DescribeConfigsResponse(results: results)
    }

    func incrementalAlterConfigs(
        _ request: IncrementalAlterConfigsRequest, access: ClientAccess = .unrestricted
    ) async -> IncrementalAlterConfigsResponse {
        var results: [ConfigResourceResult] = []
        for resource in request.resources {
            results.append(
                await alterResult(resource.type, resource.name, access) { () throws(KafkaRefusal) in
                    switch resource.type {
                    case .broker:
                        try brokerConfigs.incrementalAlter(
                            resourceName: resource.name, operations: resource.operations, validateOnly: true)
                        var pending: [String: String] = [:]
                        for case .set(let key, let value) in resource.operations { pending[key] = value }
                        try reloadListenerTLS(
                            resource.name, keys: resource.operations.map(\.key), pending: pending,
                            commit: !request.validateOnly)
                        if !request.validateOnly {
                            try brokerConfigs.incrementalAlter(
                                resourceName: resource.name, operations: resource.operations,
                                validateOnly: false)
                        }
                    default:
                        var updated = topicConfigs.overrides[resource.name] ?? [:]
                        for operation in resource.operations {
                            switch operation {
                            case .set(let key, let value): updated[key] = value
                            case .delete(let key): updated[key] = nil
                            case .append, .subtract:
                                throw KafkaRefusal(
                                    KafkaErrorCode.invalidRequest,
                                    "Config value append/subtract is not allowed for config key: \(operation.key)"
                                )
                            }
                        }
                        try TopicConfigs.validate(updated)
                        if !request.validateOnly { topicConfigs.set(resource.name, updated) }
                    }
                })
        }
        return IncrementalAlterConfigsResponse(results: results)
    }

    func alterConfigs(_ request: AlterConfigsRequest, access: ClientAccess = .unrestricted) async
        -> AlterConfigsResponse
    {
        var results: [ConfigResourceResult] = []
        for resource in request.resources {
            var configs: [String: String] = [:]
            for config in resource.configs { configs[config.name] = config.value }
            results.append(
                await alterResult(resource.type, resource.name, access) { () throws(KafkaRefusal) in
                    switch resource.type {
                    case .broker:
                        try brokerConfigs.alter(
                            resourceName: resource.name, configs: configs, validateOnly: true)
                        try reloadListenerTLS(
                            resource.name, keys: configs.keys, pending: configs, commit: !request.validateOnly
                        )
                        if !request.validateOnly {
                            try brokerConfigs.alter(
                                resourceName: resource.name, configs: configs, validateOnly: false)
                        }
                    default:
                        try TopicConfigs.validate(configs)
                        if !request.validateOnly { topicConfigs.set(resource.name, configs) }
                    }
                })
        }
        return AlterConfigsResponse(results: results)
    }

    /// Reloads the SSL listeners that an alter of `keys` on broker resource `name` names, before
    /// the alter is stored: Kafka validates a listener's new key material first and refuses the
    /// whole alter when it cannot take it. `pending` holds the alter's own values.
    private func reloadListenerTLS(
        _ name: String, keys: some Sequence<String>, pending: [String: String], commit: Bool
    ) throws(KafkaRefusal) {
        guard let broker = Int32(name) else { return }
        do {
            try listenerTLS.reload(
                broker: broker, keys: keys,
                settings: { pending[$0] ?? brokerConfigs.resolve($0, broker: broker).first?.value },
                commit: commit)
        } catch {
            throw KafkaRefusal(
                KafkaErrorCode.invalidRequest,
                "Invalid config value for resource ConfigResource(type=BROKER, name='\(name)'): "
                    + "Validation of dynamic config update of SSLFactory failed: \(error)")
        }
    }

    /// One resource's outcome: a broker's needs ALTER_CONFIGS on the cluster, a topic's on the
    /// topic (checked before the topic's existence); topics must exist, only broker and topic
    /// resources are alterable.
    private func alterResult(
        _ type: ConfigResourceType, _ name: String, _ access: ClientAccess,
        _ change: () throws(KafkaRefusal) -> Void
    ) async -> ConfigResourceResult {
        do throws(KafkaRefusal) {
            if let denied = Self.configRefusal(type, name, .alterConfigs, access) { throw denied }
            switch type {
            case .broker: break
            case .topic:
                guard await simulation.snapshot().topics.contains(name) else {
                    throw KafkaRefusal(
                        KafkaErrorCode.unknownTopicOrPartition, "The topic '\(name)' does not exist.")
                }
            default:
                throw KafkaRefusal(KafkaErrorCode.invalidRequest, "Unsupported resource type \(type)")
            }
            try change()
            return ConfigResourceResult(
                errorCode: 0, errorMessage: nil, resourceType: type.rawValue, resourceName: name)
        } catch {
            return ConfigResourceResult(
                errorCode: error.code, errorMessage: error.message, resourceType: type.rawValue,
                resourceName: name)
        }
    }

    /// Kafka's refusal of `operation` (DESCRIBE_CONFIGS or ALTER_CONFIGS) on a broker's or a
    /// topic's configuration; nil when allowed, or for other resource types, which are refused
    /// on their own.
    private static func configRefusal(
        _ type: ConfigResourceType, _ name: String, _ operation: AclOperation, _ access: ClientAccess
    ) -> KafkaRefusal? {
        switch type {
        case .broker where !access.allows(operation, on: .cluster):
            KafkaRefusal(KafkaErrorCode.clusterAuthorizationFailed, "Cluster authorization failed.")
        case .topic where !access.allows(operation, on: .topic(name)):
            KafkaRefusal(KafkaErrorCode.topicAuthorizationFailed, "Topic authorization failed.")
        default: nil
        }
    }

    // MARK: - Log directories

    /// Needs DESCRIBE on the cluster; refused with the whole request's error code (v3+; an
    /// older client sees no log directories).
    func describeLogDirs(
        _ request: DescribeLogDirsRequest, broker: Int32, access: ClientAccess = .unrestricted
    ) async -> DescribeLogDirsResponse {
        guard access.allows(.describe, on: .cluster) else {
            return DescribeLogDirsResponse(errorCode: KafkaErrorCode.clusterAuthorizationFailed, results: [])
        }
        let cluster = await simulation.snapshot()
        guard let owner = cluster.brokers[broker] else { return DescribeLogDirsResponse(results: []) }
        let wanted = request.topics.map { topics in
            Set(topics.flatMap { topic in topic.partitions.map { TopicPartition(topic.name, $0) } })
        }
        return DescribeLogDirsResponse(
            results: owner.logDirs.map { logDir in
                let held = cluster.sortedPartitions.filter {
                    cluster.partitions[$0]!.logDirs[broker] == logDir && wanted?.contains($0) ?? true
                }
                let topics = Dictionary(grouping: held, by: \.topic).sorted { $0.key < $1.key }.map {
                    name, keys in
                    DescribeLogDirsResponse.Topic(
                        name: name,
                        partitions: keys.map {
                            .init(
                                partitionIndex: $0.partition, partitionSize: cluster.partitions[$0]!.sizeBytes
                            )
                        })
                }
                return .init(path: logDir, topics: topics)
            })
    }
}
