import ClusterModel
import Kubernetes

/// Everything the operator renders for one broker.
public struct BrokerResources: Equatable, Sendable {
    public let brokerID: Int32
    public var configMap: ConfigMap
    /// One claim per disk that has a `pvcSpec`, in the broker's disk order.
    public var volumes: [PersistentVolumeClaim]
    public var pod: Pod
    public var service: Service
    public var serverProperties: ServerProperties
    /// Disks out of the spec still mounted while their data moves off (`remove_disks`), with
    /// their claim's size: Cruise Control's capacity keeps them until then.
    public var keptDisks: [StorageConfig] = []

    /// In the order they are created: configuration and disks before the pod that mounts them.
    public var objects: [OwnedObject] {
        [OwnedObject(configMap)] + volumes.map(OwnedObject.init) + [OwnedObject(service), OwnedObject(pod)]
    }
}

/// Everything the operator renders for one KafkaCluster.
public struct DesiredState: Equatable, Sendable {
    public let clusterName: String
    public let namespace: String
    public let owner: OwnerReference
    /// Sorted by broker id.
    public var brokers: [BrokerResources]
    /// What the `ClusterComponents` render, in their order.
    public var clusterObjects: [OwnedObject]

    /// The Services in front of all brokers.
    public var clusterServices: [Service] { clusterObjects.compactMap { $0.as(Service.self) } }

    public var brokerIDs: Set<Int32> { Set(brokers.map(\.brokerID)) }

    public func broker(_ id: Int32) -> BrokerResources? { brokers.first { $0.brokerID == id } }

    /// Every object, cluster-wide ones first, then broker by broker in creation order.
    public var objects: [OwnedObject] {
        clusterObjects + brokers.flatMap(\.objects)
    }
}
