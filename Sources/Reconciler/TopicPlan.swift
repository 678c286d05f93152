import KafkaAdmin
import KafkaProtocol
import Kubernetes

/// What one pass does about a KafkaTopic's topic in Kafka, decided from the spec, what Kafka
/// reports and whether the operator already manages the topic. Pure: the reconciler does the
/// I/O, so every rule here is table-tested.
///
/// The rules, as Kafka and Koperator set them: partitions only grow; the replication factor
/// never changes; a topic that exists but is not the operator's is adopted only when its
/// partitions and replication factor are the spec's; once managed, the spec's `config` is the
/// topic's whole set of overrides, so a key taken out of the spec is deleted from the topic.
/// A refusal changes nothing.
public enum TopicPlan: Equatable, Sendable {
    /// Create the topic as specified.
    case create(CreateTopicsRequest.Topic)
    /// Bring an existing topic to the spec; an update with nothing in it means in sync.
    case update(TopicUpdate)
    /// Change nothing, and say why.
    case refuse(TopicRefusal)

    /// The decision for `spec`; `observed` nil when Kafka has no such topic. `recordedKeys` are
    /// the keys the operator set at earlier passes (the status remembers them).
    public static func decide(
        spec: KafkaTopic.Spec, observed: ObservedTopic?, managed: Bool, recordedKeys: Set<String> = []
    ) -> TopicPlan {
        if let refusal = TopicRefusal.invalid(spec) { return .refuse(refusal) }
        guard let observed else {
            return .create(
                CreateTopicsRequest.Topic(
                    name: spec.name, partitions: spec.partitions,
                    // `invalid` bounds the factor to 16 bits.
                    replicationFactor: Int16(spec.replicationFactor), configs: spec.config ?? [:]))
        }
        let wantsPartitions = spec.partitions == -1 ? nil : spec.partitions
        let wantsFactor = spec.replicationFactor == -1 ? nil : spec.replicationFactor
        if !managed {
            let partitionsDiffer = wantsPartitions.map { $0 != observed.partitions } ?? false
            let factorDiffers = wantsFactor.map { $0 != observed.replicationFactor } ?? false
            if partitionsDiffer || factorDiffers {
                return .refuse(
                    .existsWithAnotherShape(
                        partitions: observed.partitions, replicationFactor: observed.replicationFactor,
                        specPartitions: spec.partitions, specReplicationFactor: spec.replicationFactor))
            }
        }
        if let wantsPartitions, wantsPartitions < observed.partitions {
            return .refuse(.partitionDecrease(from: observed.partitions, to: wantsPartitions))
        }
        if let wantsFactor, wantsFactor != observed.replicationFactor {
            return .refuse(.replicationFactorChange(from: observed.replicationFactor, to: wantsFactor))
        }
        let grow = wantsPartitions.flatMap { $0 > observed.partitions ? $0 : nil }
        return .update(
            TopicUpdate(
                adopt: !managed, growPartitionsTo: grow,
                configOperations: configOperations(
                    desired: spec.config ?? [:], observed: observed, recordedKeys: recordedKeys)))
    }

    /// SETs for the spec's keys whose value differs, then DELETEs for the keys set on the topic
    /// (by the operator earlier, or by anyone, as far as the broker says) that the spec lacks.
    static func configOperations(
        desired: [String: String], observed: ObservedTopic, recordedKeys: Set<String>
    )
        -> [ConfigOperation]
    {
        var operations: [ConfigOperation] = desired.sorted { $0.key < $1.key }.compactMap { key, value in
            observed.values[key] == value ? nil : .set(key: key, value: value)
        }
        let stale = observed.overriddenKeys.union(recordedKeys.filter { observed.values[$0] != nil })
        operations += stale.subtracting(desired.keys).sorted().map { .delete(key: $0) }
        return operations
    }
}

/// A topic as Kafka reports it: from Metadata its partitions and replication factor, from
/// DescribeConfigs its configuration.
public struct ObservedTopic: Equatable, Sendable {
    public var partitions: Int32
    public var replicationFactor: Int32
    /// Every key the broker described with a value.
    public var values: [String: String]
    /// The keys the broker says are set on the topic itself (source DYNAMIC_TOPIC_CONFIG).
    public var overriddenKeys: Set<String>

    public init(
        partitions: Int32, replicationFactor: Int32, values: [String: String] = [:],
        overriddenKeys: Set<String> = []
    ) {
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.values = values
        self.overriddenKeys = overriddenKeys
    }

    /// From a Metadata topic (its smallest replica set is the factor: a partition under
    /// reassignment lists the leaving replicas too) and the topic's described configuration.
    public init(metadata: MetadataResponse.Topic, configs: [ConfigEntry]) {
        partitions = Int32(metadata.partitions.count)
        replicationFactor = Int32(metadata.partitions.map(\.replicaNodes.count).min() ?? 0)
        var values: [String: String] = [:]
        for entry in configs { if let value = entry.value { values[entry.name] = value } }
        self.values = values
        overriddenKeys = Set(configs.filter { $0.source == .dynamicTopic }.map(\.name))
    }
}

/// The changes that bring an existing topic to its spec.
public struct TopicUpdate: Equatable, Sendable {
    /// The topic existed before the operator managed it, and matches: from now on it is managed.
    public var adopt: Bool
    public var growPartitionsTo: Int32?
    public var configOperations: [ConfigOperation]

    public init(adopt: Bool = false, growPartitionsTo: Int32? = nil, configOperations: [ConfigOperation] = [])
    {
        self.adopt = adopt
        self.growPartitionsTo = growPartitionsTo
        self.configOperations = configOperations
    }

    /// Nothing to ask Kafka.
    public var isEmpty: Bool { growPartitionsTo == nil && configOperations.isEmpty }
}

/// Why the operator will not bring a topic to its spec. Each says what to change.
public enum TopicRefusal: Equatable, Sendable, CustomStringConvertible {
    case invalidName(String)
    case invalidPartitions(Int32)
    case invalidReplicationFactor(Int32)
    case partitionDecrease(from: Int32, to: Int32)
    case replicationFactorChange(from: Int32, to: Int32)
    /// A topic of that name exists, was not created by the operator, and differs in shape.
    case existsWithAnotherShape(
        partitions: Int32, replicationFactor: Int32, specPartitions: Int32, specReplicationFactor: Int32)

    /// The problem with the spec on its own, before asking Kafka anything.
    static func invalid(_ spec: KafkaTopic.Spec) -> TopicRefusal? {
        if !isLegalTopicName(spec.name) { return .invalidName(spec.name) }
        if spec.partitions == 0 || spec.partitions < -1 { return .invalidPartitions(spec.partitions) }
        if spec.replicationFactor == 0 || spec.replicationFactor < -1
            || spec.replicationFactor > Int32(Int16.max)
        {
            return .invalidReplicationFactor(spec.replicationFactor)
        }
        return nil
    }

    /// Kafka's rule: 1 to 249 of `[a-zA-Z0-9._-]`, and not `.` or `..`.
    static func isLegalTopicName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 249, name != ".", name != ".." else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "-"):
                return true
            default: return false
            }
        }
    }

    /// The Event's reason.
    public var reason: String {
        switch self {
        case .invalidName, .invalidPartitions, .invalidReplicationFactor: return "InvalidSpec"
        case .partitionDecrease: return "PartitionDecreaseRefused"
        case .replicationFactorChange: return "ReplicationFactorChangeRefused"
        case .existsWithAnotherShape: return "TopicExistsOutsideOperator"
        }
    }

    public var description: String {
        switch self {
        case .invalidName(let name):
            return
                "spec.name \"\(name)\" is not a legal Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_' and '-', not '.' or '..')"
        case .invalidPartitions(let count):
            return "spec.partitions \(count) must be -1 (the broker's default) or at least 1"
        case .invalidReplicationFactor(let factor):
            return "spec.replicationFactor \(factor) must be -1 (the broker's default) or between 1 and 32767"
        case .partitionDecrease(let from, let to):
            return
                "Kafka cannot decrease a topic's partitions (from \(from) to \(to)); set spec.partitions to \(from) or more"
        case .replicationFactorChange(let from, let to):
            return
                "Kafka cannot change an existing topic's replication factor (from \(from) to \(to)); set spec.replicationFactor back to \(from)"
        case .existsWithAnotherShape(let partitions, let factor, let specPartitions, let specFactor):
            return
                "the topic already exists outside the operator with \(partitions) partitions and replication factor \(factor), "
                + "the spec asks for \(specPartitions) and \(specFactor); it is adopted only when they match"
        }
    }
}
