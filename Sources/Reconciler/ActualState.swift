import Kubernetes

/// The live objects labelled with one cluster's name, as listed from the API: ours and,
/// possibly, others' that merely carry the same labels.
public struct ActualState: Equatable, Sendable {
    public var pods: [Pod]
    public var configMaps: [ConfigMap]
    public var persistentVolumeClaims: [PersistentVolumeClaim]
    public var services: [Service]

    public init(
        pods: [Pod] = [], configMaps: [ConfigMap] = [], persistentVolumeClaims: [PersistentVolumeClaim] = [],
        services: [Service] = []
    ) {
        self.pods = pods
        self.configMaps = configMaps
        self.persistentVolumeClaims = persistentVolumeClaims
        self.services = services
    }

    public var objects: [OwnedObject] {
        configMaps.map { .configMap($0) } + persistentVolumeClaims.map { .persistentVolumeClaim($0) }
            + services.map { .service($0) } + pods.map { .pod($0) }
    }
}
