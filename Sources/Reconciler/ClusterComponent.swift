import ClusterModel
import Kubernetes

/// A part of a KafkaCluster's desired state beyond each broker's own objects: the cluster's
/// Services, the disruption budget, and next Cruise Control, Envoy and certificates. Pure: it
/// renders from the spec and the brokers already rendered, and returns nothing when the spec
/// does not ask for it (what it rendered before is then deleted by the plan).
///
/// A new component is one file conforming to this protocol and a line in `ClusterComponents`;
/// a new kind of object also needs its `ManagedObject` conformance in `ManagedKinds`.
public protocol ClusterComponent: Sendable {
    func render(_ context: ComponentContext) -> [OwnedObject]
}

/// The components, in the order their objects are created.
public enum ClusterComponents {
    public static let all: [any ClusterComponent] = [
        ClusterServices(), BrokerDisruptionBudget(), CruiseControlComponent(), EnvoyComponent(),
        NodePortServices(),
    ]
}

/// What a component renders from: the cluster and the brokers' rendered objects.
public struct ComponentContext: Sendable {
    public let cluster: KafkaCluster
    public let namespace: String
    public let owner: OwnerReference
    /// Sorted by broker id.
    public let brokers: [BrokerResources]

    public var name: String { cluster.metadata.name }
    public var spec: KafkaClusterSpec { cluster.spec }

    /// Metadata owned by the cluster, labelled as every cluster-wide object of it is unless
    /// `labels` (which must carry the cluster label, so the object is observed) say otherwise.
    public func metadata(_ objectName: String, labels: [String: String]? = nil) -> Kubernetes.ObjectMeta {
        Kubernetes.ObjectMeta(
            name: objectName, namespace: namespace,
            labels: labels ?? ResourceConventions.clusterLabels(cluster: name), ownerReferences: [owner])
    }

    /// The object with its spec-hash annotation, ready to compare with the live one.
    public func stamped<Object: ManagedObject>(_ object: Object) -> OwnedObject {
        OwnedObject(DesiredStateRenderer.stamped(object))
    }
}
