/// Which disk of which broker of which cluster a PersistentVolumeClaim is, as its labels
/// (`kafka_cr`, `brokerId`) and its `mountPath` annotation say.
public struct ClaimIdentity: Equatable, Sendable {
    public var cluster: String
    public var broker: Int32
    public var mountPath: String

    public init(cluster: String, broker: Int32, mountPath: String) {
        self.cluster = cluster
        self.broker = broker
        self.mountPath = mountPath
    }

    /// Reads the identity of the claim `namespace/name` from its metadata; throws
    /// `ClaimLookupError.notABrokerDisk` naming what is missing or malformed.
    public init(namespace: String, name: String, labels: [String: String], annotations: [String: String])
        throws(ClaimLookupError)
    {
        func refuse(_ reason: String) -> ClaimLookupError {
            .notABrokerDisk(namespace: namespace, name: name, reason: reason)
        }
        guard let cluster = labels[ObjectLabels.cluster], !cluster.isEmpty else {
            throw refuse("it has no \(ObjectLabels.cluster) label naming its KafkaCluster")
        }
        guard let brokerText = labels[ObjectLabels.broker], !brokerText.isEmpty else {
            throw refuse("it has no \(ObjectLabels.broker) label naming its broker")
        }
        guard brokerText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            brokerText == "0" || !brokerText.hasPrefix("0"), let broker = Int32(brokerText)
        else {
            throw refuse("its \(ObjectLabels.broker) label '\(brokerText.prefix(32))' is not a broker id")
        }
        guard let mountPath = annotations[ObjectLabels.mountPath], mountPath.hasPrefix("/") else {
            throw refuse(
                "it has no \(ObjectLabels.mountPath) annotation with the absolute path its disk is mounted at"
            )
        }
        self.init(cluster: cluster, broker: broker, mountPath: mountPath)
    }
}
