/// The name of a broker disk's PersistentVolumeClaim: `<cluster>-<broker>-storage-<index>-<suffix>`.
///
/// The operator's suffix is the short stable hash of the disk's mount path, so a claim name
/// alone says which disk of which broker of which cluster it is: an alert from kubelet volume
/// metrics, which carry only `persistentvolumeclaim` and `namespace`, finds its cluster and disk
/// without asking Kubernetes. Koperator's claims share the shape with a random suffix: they name
/// the cluster and broker, not the disk.
public struct BrokerClaimName: Equatable, Sendable, CustomStringConvertible {
    public var cluster: String
    public var broker: Int32
    /// The disk's position among the broker's disks when the claim was created. Only part of
    /// the name: positions shift when a disk before it goes, the claim keeps its name.
    public var index: Int
    public var suffix: String

    /// The name the operator gives the claim of the disk at `mountPath`.
    public init(cluster: String, broker: Int32, index: Int, mountPath: String) {
        self.cluster = cluster
        self.broker = broker
        self.index = index
        self.suffix = StableHash(mountPath).short
    }

    /// Reads a claim name from the right, so a cluster name with dashes and digits of its own
    /// (`kafka-2`) stays whole; nil when the name does not have the shape.
    public init?(parsing name: String) {
        guard name.utf8.count <= 253, let storage = name.ranges(of: "-storage-").last else {
            return nil
        }
        let owner = name[..<storage.lowerBound]
        let disk = name[storage.upperBound...]
        guard let dash = owner.lastIndex(of: "-"), let split = disk.firstIndex(of: "-") else { return nil }
        let cluster = owner[..<dash]
        let broker = owner[owner.index(after: dash)...]
        let index = disk[..<split]
        let suffix = disk[disk.index(after: split)...]
        guard !cluster.isEmpty, !suffix.isEmpty, Self.isNumber(broker), Self.isNumber(index),
            let brokerID = Int32(broker), let position = Int(index)
        else { return nil }
        self.cluster = String(cluster)
        self.broker = brokerID
        self.index = position
        self.suffix = String(suffix)
    }

    public var description: String { "\(cluster)-\(broker)-storage-\(index)-\(suffix)" }

    /// Whether this is the operator's name for the claim of the disk at `mountPath`.
    public func names(mountPath: String) -> Bool { suffix == StableHash(mountPath).short }

    /// Decimal digits without sign or leading zero, as the operator writes ids and positions.
    private static func isNumber(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            && (text == "0" || !text.hasPrefix("0"))
    }
}
