import ClusterModel
import KafkaAdmin
import KafkaProtocol

/// Makes Kafka's dynamic broker configuration match the spec, level-triggered: reads what Kafka
/// reports (DescribeConfigs), sets what differs and deletes what the spec dropped
/// (IncrementalAlterConfigs), then reads back. Nothing is restarted: read-only keys reach the
/// brokers through `server.properties` and the pod's hash, never through here.
///
/// - `clusterWideConfig`'s dynamic keys go to the cluster-wide default (the BROKER resource "");
///   a read-only key there is reported, not sent.
/// - A broker's dynamic keys (its group's `config` and its own `brokerConfig.config`, with the
///   value the operator renders into its `server.properties`) go to that broker, once its pod
///   is Ready, its objects are as rendered and Kafka's metadata lists it.
/// - A key Kafka refuses is reported with Kafka's reason; the resource's other keys are applied.
///
/// Cost: nothing at all for a cluster without dynamic keys (in the spec or kept from before);
/// otherwise one DescribeConfigs for the default when it has keys, one Metadata and one
/// DescribeConfigs per broker that has keys. A change adds one IncrementalAlterConfigs and one
/// DescribeConfigs (the read-back) per changed resource, and one request per key when Kafka
/// refuses a resource's batch (to find the keys it refuses).
struct DynamicConfigSync {
    let kafka: any KafkaAdminClient

    /// What a pass found and did; applied to the status it writes.
    struct Outcome: Equatable {
        struct Broker: Equatable {
            var state: PerBrokerConfigurationState
            /// The keys the operator keeps on the broker; nil when not known this pass.
            var keys: [String]?
        }

        /// The keys the operator keeps on the cluster-wide default; nil when not known.
        var clusterWideKeys: [String]?
        var brokers: [Int32: Broker] = [:]
        /// Keys refused on the resources checked this pass, as `<resource> <key>: <reason>`.
        var errors: [String] = []
        /// The resources Kafka was asked about this pass: their errors replace the recorded ones.
        var checked: Set<ConfigTarget> = []
        /// Kafka could not be reached, or a change is not visible yet: look again soon.
        var retry = false
        /// Requests sent to Kafka in this pass.
        var requests = 0
        /// Why Kafka could not be reached, for the log.
        var unreachable: String?

        /// The recorded errors of resources not checked this pass, then this pass's.
        func errors(after recorded: [String]?) -> [String] {
            let kept = (recorded ?? []).filter { error in !checked.contains { error.hasPrefix("\($0) ") } }
            return kept + errors
        }

        /// Writes the outcome into the status the pass leaves (only fields known this pass).
        func apply(to status: inout KafkaClusterStatus) {
            if let clusterWideKeys {
                status.clusterWideConfigKeys = clusterWideKeys.isEmpty ? nil : clusterWideKeys
            }
            let errors = self.errors(after: status.dynamicConfigErrors)
            status.dynamicConfigErrors = errors.isEmpty ? nil : errors
            for (id, broker) in brokers where status.brokersState?[String(id)] != nil {
                status.brokersState?[String(id)]?.perBrokerConfigurationState = broker.state
                if let keys = broker.keys {
                    status.brokersState?[String(id)]?.dynamicConfigKeys = keys.isEmpty ? nil : keys
                }
            }
        }
    }

    /// The spec's dynamic configuration, by resource.
    struct Wanted: Equatable {
        var clusterWide: [String: String] = [:]
        /// `clusterWideConfig` keys Kafka reads only at start-up.
        var readOnlyClusterWide: [String] = []
        var perBroker: [Int32: [String: String]] = [:]

        init(spec: KafkaClusterSpec, desired: DesiredState) {
            for (key, value) in spec.clusterWideProperties {
                if KafkaConfigCatalog.mode(of: key) == .readOnly {
                    readOnlyClusterWide.append(key)
                } else {
                    clusterWide[key] = value
                }
            }
            readOnlyClusterWide.sort()
            for broker in spec.brokers {
                guard let rendered = desired.broker(broker.id)?.serverProperties.properties else { continue }
                var keys: [String: String] = [:]
                // The rendered value: the operator's own keys (listeners, metric reporters) win
                // over the user's in server.properties, and so they do here.
                for key in spec.perBrokerProperties(of: broker).keys
                where KafkaConfigCatalog.mode(of: key) != .readOnly {
                    if let value = rendered[key] { keys[key] = value }
                }
                perBroker[broker.id] = keys
            }
        }
    }

    /// One pass over the cluster. `status` is the status this pass leaves (readiness and
    /// `configurationState` already as observed); it is only read here.
    func run(spec: KafkaClusterSpec, desired: DesiredState, status: KafkaClusterStatus) async -> Outcome {
        let wanted = Wanted(spec: spec, desired: desired)
        var outcome = Outcome()
        let readOnly = wanted.readOnlyClusterWide.map {
            "\(ConfigTarget.clusterDefault) \($0): Kafka reads it only at start-up, so it is not set "
                + "dynamically; put it in readOnlyConfig"
        }
        let brokerStates = status.brokersState ?? [:]
        var candidates: [Int32] = []
        for id in desired.brokers.map(\.brokerID) {
            let owned = brokerStates[String(id)]?.dynamicConfigKeys ?? []
            if (wanted.perBroker[id] ?? [:]).isEmpty && owned.isEmpty {
                outcome.brokers[id] = .init(state: .inSync, keys: [])
                outcome.checked.insert(.broker(id))
            } else {
                candidates.append(id)
                outcome.brokers[id] = .init(state: .outOfSync)
            }
        }
        // Until a broker runs, no one can answer: the pod becoming Ready brings another pass.
        let anyReady = desired.brokers.contains { brokerStates[String($0.brokerID)]?.readiness == .ready }
        guard anyReady else { return outcome }
        let ownedDefault = Set(status.clusterWideConfigKeys ?? [])
        if wanted.clusterWide.isEmpty && ownedDefault.isEmpty {
            outcome.clusterWideKeys = []
            outcome.checked.insert(.clusterDefault)
            outcome.errors += readOnly
        } else {
            do {
                let synced = try await sync(
                    .clusterDefault, desired: wanted.clusterWide, owned: ownedDefault, outcome: &outcome)
                outcome.clusterWideKeys = synced.owned
                outcome.checked.insert(.clusterDefault)
                outcome.errors += readOnly + synced.errors
                if !synced.inSync && synced.errors.isEmpty { outcome.retry = true }
            } catch {
                outcome.unreachable = "\(error)"
                outcome.retry = true
                return outcome
            }
        }

        // A broker being created or replaced in this pass, or whose pod is not Ready, waits:
        // its pod's readiness changing brings another pass.
        let ready = candidates.filter {
            brokerStates[String($0)]?.readiness == .ready
                && brokerStates[String($0)]?.configurationState == .inSync
        }
        guard !ready.isEmpty else { return outcome }
        let registered: Set<Int32>
        do {
            outcome.requests += 1
            registered = Set(try await kafka.metadata(topics: []).brokers.map(\.nodeId))
        } catch {
            outcome.unreachable = "\(error)"
            outcome.retry = true
            return outcome
        }
        for id in ready {
            guard registered.contains(id) else {
                // Ready but not registered yet: no watch event announces the registration.
                outcome.retry = true
                continue
            }
            let owned = Set(brokerStates[String(id)]?.dynamicConfigKeys ?? [])
            do {
                let synced = try await sync(
                    .broker(id), desired: wanted.perBroker[id] ?? [:], owned: owned, outcome: &outcome)
                outcome.brokers[id] = .init(
                    state: !synced.errors.isEmpty ? .error : synced.inSync ? .inSync : .outOfSync,
                    keys: synced.owned)
                outcome.checked.insert(.broker(id))
                outcome.errors += synced.errors
                if !synced.inSync && synced.errors.isEmpty { outcome.retry = true }
            } catch {
                outcome.unreachable = "\(error)"
                outcome.retry = true
                break
            }
        }
        return outcome
    }

    private struct Synced {
        var owned: [String]
        var errors: [String]
        var inSync: Bool
    }

    /// One resource: read, change what differs, read back. Throws when Kafka cannot be asked.
    private func sync(
        _ target: ConfigTarget, desired: [String: String], owned: Set<String>, outcome: inout Outcome
    ) async throws -> Synced {
        let before = DynamicConfigDiff(
            target: target, desired: desired, owned: owned, actual: try await describe(target, &outcome))
        let operations = before.operations
        guard !operations.isEmpty else {
            return Synced(owned: before.ownedKeys(refused: []).sorted(), errors: [], inSync: true)
        }
        let refused = try await alter(target, operations, &outcome)
        let after = DynamicConfigDiff(
            target: target, desired: desired, owned: owned, actual: try await describe(target, &outcome))
        let pending = after.operations.filter { refused[$0.key] == nil }
        return Synced(
            owned: after.ownedKeys(refused: Set(refused.keys)).sorted(),
            errors: refused.keys.sorted().map { "\(target) \($0): \(refused[$0] ?? "")" },
            inSync: pending.isEmpty && refused.isEmpty)
    }

    private func describe(_ target: ConfigTarget, _ outcome: inout Outcome) async throws -> [ConfigEntry] {
        outcome.requests += 1
        switch target {
        case .broker(let id): return try await kafka.describeConfigs(broker: id)
        case .clusterDefault: return try await kafka.describeClusterDefaultConfigs()
        }
    }

    /// Sends the operations in one request; when Kafka refuses the resource (it takes a
    /// resource's keys all or nothing), sends them one by one to learn which keys it refuses.
    /// Returns Kafka's reason per refused key.
    private func alter(_ target: ConfigTarget, _ operations: [ConfigOperation], _ outcome: inout Outcome)
        async throws -> [String: String]
    {
        do {
            outcome.requests += 1
            try await kafka.incrementalAlterConfigs(target, operations: operations)
            return [:]
        } catch let error as KafkaAdminError {
            guard let reason = Self.refusal(error) else { throw error }
            guard operations.count > 1 else { return [operations[0].key: reason] }
        }
        var refused: [String: String] = [:]
        for operation in operations {
            do {
                outcome.requests += 1
                try await kafka.incrementalAlterConfigs(target, operations: [operation])
            } catch let error as KafkaAdminError {
                guard let reason = Self.refusal(error) else { throw error }
                refused[operation.key] = reason
            }
        }
        return refused
    }

    /// Kafka's answer for a resource it will not change (as opposed to not being reachable).
    static func refusal(_ error: KafkaAdminError) -> String? {
        guard case .brokerError(_, let code, let message, _) = error, !KafkaErrorCode.isRetriable(code) else {
            return nil
        }
        return "\(KafkaErrorCode.name(code))" + (message.map { " \($0)" } ?? "")
    }
}
