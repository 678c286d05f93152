import ClusterModel
import Kubernetes

/// The Service in front of all brokers: headless (per-broker DNS names for pods, ready or not)
/// when the spec asks for it, else one ClusterIP Service.
struct ClusterServices: ClusterComponent {
    func render(_ context: ComponentContext) -> [OwnedObject] {
        let listeners = BrokerListeners(context.spec)
        var spec = Service.Spec(
            selector: ResourceConventions.clusterLabels(cluster: context.name),
            ports: DesiredStateRenderer.servicePorts(listeners, BrokerListeners.portNames(listeners.all)))
        spec.type = "ClusterIP"
        let name: String
        if context.spec.headlessServiceEnabled == true {
            name = ResourceConventions.headlessServiceName(cluster: context.name)
            spec.clusterIP = "None"
            spec.publishNotReadyAddresses = true
        } else {
            name = ResourceConventions.allBrokerServiceName(cluster: context.name)
        }
        return [context.stamped(Service(metadata: context.metadata(name), spec: spec))]
    }
}
