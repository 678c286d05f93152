import ClusterModel
import Kubernetes

/// The Service in front of all brokers, of the kind `ClusterServiceKind` says: headless (DNS
/// names per pod, ready or not) or one ClusterIP Service.
struct ClusterServices: ClusterComponent {
    func render(_ context: ComponentContext) -> [OwnedObject] {
        let listeners = BrokerListeners(context.spec)
        let kind = ClusterServiceKind(context.spec)
        var spec = Service.Spec(
            selector: ResourceConventions.clusterLabels(cluster: context.name),
            ports: DesiredStateRenderer.servicePorts(listeners, BrokerListeners.portNames(listeners.all)))
        spec.type = "ClusterIP"
        if kind == .headless {
            spec.clusterIP = "None"
            spec.publishNotReadyAddresses = true
        }
        let name = kind.serviceName(cluster: context.name)
        return [context.stamped(Service(metadata: context.metadata(name), spec: spec))]
    }
}
