/// A host and port as a client names them: a Kubernetes service DNS name and its port, or an
/// address it was given.
public struct ServiceAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    /// Host names compare as DNS does: without case and without a trailing dot.
    public init(host: String, port: UInt16) {
        var name = host.lowercased()
        if name.count > 1, name.hasSuffix(".") { name.removeLast() }
        self.host = name
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Where a client really connects for the address it was told: the seam that lets the operator
/// use the service names it uses on Kubernetes everywhere, while local mode's peers listen on
/// loopback. A client keeps the name it was told for everything else (error messages, TLS).
public protocol AddressResolver: Sendable {
    func resolve(_ address: ServiceAddress) -> ServiceAddress
}

/// On Kubernetes: every name is what DNS says it is.
public struct IdentityAddressResolver: AddressResolver {
    public init() {}
    public func resolve(_ address: ServiceAddress) -> ServiceAddress { address }
}

/// A fixed map from service addresses to sockets (local mode's loopback ports); an address
/// not in it is left as it is.
public struct AddressMap: AddressResolver, Equatable {
    public private(set) var entries: [ServiceAddress: ServiceAddress]

    public init(_ entries: [ServiceAddress: ServiceAddress] = [:]) {
        self.entries = entries
    }

    public mutating func map(_ address: ServiceAddress, to target: ServiceAddress) {
        entries[address] = target
    }

    public func resolve(_ address: ServiceAddress) -> ServiceAddress {
        entries[ServiceAddress(host: address.host, port: address.port)] ?? address
    }
}
