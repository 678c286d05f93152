import ClusterModel
import Foundation
import Kubernetes
import TestSupport

@testable import Reconciler

/// The example cluster and the objects a server would hold after creating what it renders.
enum ClusterFixtures {
    static let uid = "6c1f2e1a-0000-4000-8000-000000000001"

    /// The example cluster; without its `cruiseControlConfig` unless `cruiseControl`, so a test
    /// of the brokers sees only their objects change (Cruise Control's capacity follows the
    /// brokers: CruiseControlComponentTests shows it).
    static func example(cruiseControl: Bool = false) throws -> KafkaCluster {
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        var cluster = try ClusterDocument(yaml: yaml).cluster
        if !cruiseControl { cluster.spec.cruiseControlConfig = nil }
        return cluster
    }

    /// The example with an external listener, rendered (and refused by `RenderRefusals`) until
    /// external access is built.
    static func withExternalListener() throws -> KafkaCluster {
        var cluster = try example()
        cluster.spec.listenersConfig?.externalListeners = [
            ExternalListener(
                name: "external", type: "plaintext", containerPort: 9094, externalStartingPort: 19090)
        ]
        return cluster
    }

    /// The example with brokers `ids`, all in the default group, and no disruption budget (whose
    /// updates on scaling DisruptionBudgetComponentTests show), so only broker objects change.
    static func withBrokers(_ ids: [Int32]) throws -> KafkaCluster {
        var cluster = try example()
        cluster.spec.brokers = ids.map { Broker(id: $0, brokerConfigGroup: "default") }
        cluster.spec.disruptionBudget = nil
        return cluster
    }

    static func render(_ cluster: KafkaCluster) -> DesiredState {
        DesiredStateRenderer().render(cluster, uid: uid)
    }

    /// What the API server would list after the desired objects were created: each with a uid,
    /// a resourceVersion and a creation time.
    static func live(_ desired: DesiredState) -> ActualState {
        var state = ActualState()
        for (index, object) in desired.objects.enumerated() {
            var object = object
            object.metadata.uid = "uid-\(object.name)"
            object.metadata.resourceVersion = String(100 + index)
            object.metadata.creationTimestamp = "2026-12-01T00:00:00Z"
            state.add(object)
        }
        return state
    }
}

extension ActualState {
    var configMaps: [ConfigMap] {
        get { self[ConfigMap.self] }
        set { self[ConfigMap.self] = newValue }
    }
    var services: [Service] {
        get { self[Service.self] }
        set { self[Service.self] = newValue }
    }

    mutating func add(_ object: OwnedObject) { objects.append(object) }

    mutating func remove(_ target: DeletionTarget) {
        objects.removeAll { $0.name == target.name && $0.resourceType == target.type }
    }

    /// Applies the plan's writes as a server would (deletes finish at once).
    mutating func apply(_ steps: [ReconcileStep]) {
        for step in steps {
            switch step {
            case .create(var object):
                object.metadata.uid = "uid-\(object.name)"
                object.metadata.resourceVersion = "1"
                add(object)
            case .update(let object):
                remove(object.deletionTarget)
                add(object)
            case .delete(let target): remove(target)
            case .forgetBroker, .waitForBroker: break
            }
        }
    }
}
