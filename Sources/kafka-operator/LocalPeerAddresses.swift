import AddressResolution
import ClusterModel
import LocalKafka
import Reconciler

/// Local mode's map from the names the operator uses on Kubernetes to the simulated peers'
/// loopback sockets. Brokers are matched by rule, not listed, so a broker the spec adds after
/// start is reached by its Kubernetes name like the ones that were there: `<cluster>-<id>`
/// under the cluster's service domain, on the client port, goes to broker `id`'s socket.
/// The cluster Service and Cruise Control's Service are fixed entries; anything else resolves
/// as it is.
struct LocalPeerAddresses: AddressResolver {
    let cluster: String
    let namespace: String
    let spec: KafkaClusterSpec
    let configuration: LocalKafkaConfiguration
    /// The cluster Service and Cruise Control.
    let fixed: AddressMap

    func resolve(_ address: ServiceAddress) -> ServiceAddress {
        if let target = fixed.entries[address] { return target }
        guard let id = brokerID(address), let port = configuration.brokerPort(id) else { return address }
        return ServiceAddress(host: configuration.host, port: port)
    }

    /// The broker a Kubernetes broker address names, when it is exactly one of this cluster's.
    private func brokerID(_ address: ServiceAddress) -> Int32? {
        guard address.port == UInt16(clamping: ResourceConventions.brokerClientPort(spec: spec)),
            let label = address.host.split(separator: ".", maxSplits: 1).first,
            label.hasPrefix("\(cluster)-"),
            let id = Int32(label.dropFirst(cluster.count + 1)), id >= 0
        else { return nil }
        let expected = ResourceConventions.brokerHost(
            cluster: cluster, broker: id, namespace: namespace, spec: spec)
        return expected == address.host ? id : nil
    }
}
