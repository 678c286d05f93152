import JSON

extension KafkaClusterSpec {
    /// The settings broker `broker` runs with: its own `brokerConfig` over its config group's,
    /// merged as Koperator merges them. A value the broker sets wins; a value it leaves out
    /// comes from the group; maps merge key by key (the broker's keys win); lists of
    /// Kubernetes objects hold the broker's entries, then the group's; `envs` are the
    /// cluster's, then the group's, then the broker's; an `affinity` merges per kind
    /// (node, pod, pod anti-affinity), the broker's kinds winning.
    /// Storage is `effectiveStorage(of:)`: the group's disks, then the broker's.
    public func effectiveConfig(of broker: Broker) -> BrokerConfig {
        let own = broker.brokerConfig ?? BrokerConfig()
        let group = broker.brokerConfigGroup.flatMap { brokerConfigGroups?[$0] } ?? BrokerConfig()
        var merged = own
        merged.processRoles = own.processRoles ?? group.processRoles
        merged.image = own.image ?? group.image
        merged.metricsReporterImage = own.metricsReporterImage ?? group.metricsReporterImage
        merged.config = own.config ?? group.config
        merged.storageConfigs = effectiveStorage(of: broker)
        merged.serviceAccountName = own.serviceAccountName ?? group.serviceAccountName
        merged.resourceRequirements = own.resourceRequirements ?? group.resourceRequirements
        merged.imagePullSecrets = Self.concatenated(own.imagePullSecrets, group.imagePullSecrets)
        merged.nodeSelector = Self.merged(own.nodeSelector, over: group.nodeSelector)
        merged.tolerations = Self.concatenated(own.tolerations, group.tolerations)
        merged.kafkaHeapOpts = own.kafkaHeapOpts ?? group.kafkaHeapOpts
        merged.kafkaJvmPerfOpts = own.kafkaJvmPerfOpts ?? group.kafkaJvmPerfOpts
        merged.log4jConfig = own.log4jConfig ?? group.log4jConfig
        merged.brokerAnnotations = Self.merged(own.brokerAnnotations, over: group.brokerAnnotations)
        merged.brokerLabels = Self.merged(own.brokerLabels, over: group.brokerLabels)
        merged.networkConfig = own.networkConfig ?? group.networkConfig
        merged.nodePortExternalIP = Self.merged(own.nodePortExternalIP, over: group.nodePortExternalIP)
        merged.nodePortNodeAddressType = own.nodePortNodeAddressType ?? group.nodePortNodeAddressType
        merged.affinity = Self.mergedObject(own.affinity, over: group.affinity)
        merged.podSecurityContext = own.podSecurityContext ?? group.podSecurityContext
        merged.securityContext = own.securityContext ?? group.securityContext
        merged.brokerIngressMapping = own.brokerIngressMapping ?? group.brokerIngressMapping
        merged.initContainers = Self.concatenated(own.initContainers, group.initContainers)
        merged.containers = Self.concatenated(own.containers, group.containers)
        merged.volumes = Self.concatenated(own.volumes, group.volumes)
        merged.volumeMounts = Self.concatenated(own.volumeMounts, group.volumeMounts)
        let environment = (envs ?? []) + (group.envs ?? []) + (own.envs ?? [])
        merged.envs = environment.isEmpty ? nil : environment
        merged.terminationGracePeriodSeconds =
            own.terminationGracePeriodSeconds ?? group.terminationGracePeriodSeconds
        merged.priorityClassName = own.priorityClassName ?? group.priorityClassName
        return merged
    }

    /// The broker's whole user configuration: its read-only properties, overridden by the
    /// per-broker ones (see `readOnlyProperties(of:)` and `perBrokerProperties(of:)`).
    public func userProperties(of broker: Broker) -> [String: String] {
        readOnlyProperties(of: broker).merging(perBrokerProperties(of: broker)) { _, perBroker in perBroker }
    }

    /// The broker's KRaft roles (empty when it names none).
    public func processRoles(of broker: Broker) -> Set<String> {
        Set(effectiveConfig(of: broker).processRoles ?? [])
    }

    private static func merged(_ own: [String: String]?, over group: [String: String]?) -> [String: String]? {
        guard let own else { return group }
        guard let group else { return own }
        return group.merging(own) { _, mine in mine }
    }

    private static func concatenated(_ own: JSONValue?, _ group: JSONValue?) -> JSONValue? {
        switch (own, group) {
        case (.array(let mine), .array(let theirs)): return .array(mine + theirs)
        case (nil, let other), (let other, nil): return other
        default: return own
        }
    }

    private static func mergedObject(_ own: JSONValue?, over group: JSONValue?) -> JSONValue? {
        guard case .object(let mine) = own, case .object(let theirs) = group else { return own ?? group }
        var members = theirs.filter { member in !mine.contains { $0.key == member.key } }
        members.append(contentsOf: mine)
        return .object(members)
    }
}
