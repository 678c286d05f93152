import ClusterModel
import Foundation
import Kubernetes
import TestSupport

@testable import Reconciler

/// The example cluster and the objects a server would hold after creating what it renders.
enum ClusterFixtures {
    static let uid = "6c1f2e1a-0000-4000-8000-000000000001"

    static func example() throws -> KafkaCluster {
        let yaml = try String(
            contentsOf: repositoryRoot.appendingPathComponent("examples/kafkacluster.yaml"), encoding: .utf8)
        return try ClusterDocument(yaml: yaml).cluster
    }

    /// The example with brokers `ids`, all in the default group.
    static func withBrokers(_ ids: [Int32]) throws -> KafkaCluster {
        var cluster = try example()
        cluster.spec.brokers = ids.map { Broker(id: $0, brokerConfigGroup: "default") }
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
    mutating func add(_ object: OwnedObject) {
        switch object {
        case .pod(let pod): pods.append(pod)
        case .configMap(let map): configMaps.append(map)
        case .persistentVolumeClaim(let claim): persistentVolumeClaims.append(claim)
        case .service(let service): services.append(service)
        }
    }

    mutating func remove(_ target: DeletionTarget) {
        pods.removeAll { $0.name == target.name && target.type == .pods }
        configMaps.removeAll { $0.name == target.name && target.type == .configMaps }
        persistentVolumeClaims.removeAll { $0.name == target.name && target.type == .persistentVolumeClaims }
        services.removeAll { $0.name == target.name && target.type == .services }
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
