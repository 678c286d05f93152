import ClusterModel
import Kubernetes

/// Per broker N and external listener L with access method `NodePort`, the Service `C-N-L`
/// (Koperator's name) of type NodePort: port `broker-N` on the listener's container port, node
/// port `externalStartingPort + N`, selecting the broker's pod; the listener's
/// `serviceAnnotations` and `externalTrafficPolicy`, and the broker's
/// `nodePortExternalIP[L]` as the Service's external IP. Labelled with the broker, so it goes
/// with the broker when it leaves.
struct NodePortServices: ClusterComponent {
    func render(_ context: ComponentContext) -> [OwnedObject] {
        let listeners = ExternalAccess.nodePortListeners(context.spec)
        guard !listeners.isEmpty else { return [] }
        return listeners.flatMap { listener in
            context.spec.brokers.sorted { $0.id < $1.id }.map { broker in
                context.stamped(Self.service(listener, broker: broker, context))
            }
        }
    }

    static func service(_ listener: ExternalListener, broker: Broker, _ context: ComponentContext)
        -> Kubernetes.Service
    {
        let labels = ResourceConventions.brokerLabels(cluster: context.name, broker: broker.id)
        var port = Service.Port(
            name: "broker-\(broker.id)", port: Int32(clamping: listener.containerPort),
            targetPort: .int(Int32(clamping: listener.containerPort)), protocol: "TCP")
        if (listener.externalStartingPort ?? 0) > 0 {
            port.nodePort = Int32(clamping: listener.externalPort(of: broker.id))
        }
        var spec = Service.Spec(type: "NodePort", selector: labels, ports: [port])
        spec.externalTrafficPolicy = listener.externalTrafficPolicy.flatMap { $0.isEmpty ? nil : $0 }
        if let ip = context.spec.effectiveConfig(of: broker).nodePortExternalIP?[listener.name], !ip.isEmpty {
            spec.externalIPs = [ip]
        }
        var metadata = context.metadata(
            ResourceConventions.nodePortServiceName(
                cluster: context.name, broker: broker.id, listener: listener.name),
            labels: labels)
        metadata.annotations = listener.serviceAnnotations.flatMap { $0.isEmpty ? nil : $0 }
        return Service(metadata: metadata, spec: spec)
    }
}
