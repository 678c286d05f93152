import JSON
import KubernetesAPITypes

/// Hands out node ports from 30000-32767, a cluster's default range, to the ports of NodePort
/// and LoadBalancer Services (unless `allocateLoadBalancerNodePorts` is false), as the API
/// server does: a requested port must be in the range and free; an update that leaves a port's
/// `nodePort` out keeps the one it had.
struct NodePortAllocator: Sendable {
    static let range: ClosedRange<Int> = 30_000...32_767
    private var used: Set<Int> = []
    private var next = Self.range.lowerBound

    /// The node ports a Service holds.
    static func ports(of service: JSONValue) -> [Int] {
        (service.value(at: ["spec", "ports"])?.items ?? []).compactMap { port in
            port["nodePort"].flatMap(ObjectStore.numberText).flatMap { Int($0) }
        }
    }

    mutating func reserve(_ ports: [Int]) { used.formUnion(ports) }
    mutating func release(_ ports: [Int]) { used.subtract(ports) }

    /// Gives the Service's ports their node ports: kept from `old` for the same port and
    /// protocol when left out, allocated when new, checked when requested. Throws the API's 422
    /// and changes nothing when a requested port cannot be had.
    mutating func assign(
        _ service: inout JSONValue, old: JSONValue?, resource: ResourceDefinition, name: String
    ) throws(APIError) {
        let type = service.value(at: ["spec", "type"])?.stringValue ?? "ClusterIP"
        let wanted =
            type == "NodePort"
            || (type == "LoadBalancer"
                && service.value(at: ["spec", "allocateLoadBalancerNodePorts"]) != .bool(false))
        guard wanted, case .array(var ports)? = service.value(at: ["spec", "ports"]) else { return }
        let previous = old?.value(at: ["spec", "ports"])?.items ?? []
        let held = Set(old.map(Self.ports) ?? [])
        var taken: Set<Int> = []
        var causes: [Status.Cause] = []
        for index in ports.indices {
            if ports[index]["nodePort"] == nil,
                let kept = previous.first(where: {
                    $0["port"] == ports[index]["port"] && $0["protocol"] == ports[index]["protocol"]
                })?["nodePort"]
            {
                ports[index].set(["nodePort"], kept)
            }
            guard let text = ports[index]["nodePort"].flatMap(ObjectStore.numberText), let number = Int(text)
            else {
                continue
            }
            let field = "spec.ports[\(index)].nodePort"
            if !Self.range.contains(number) {
                causes.append(
                    Status.Cause(
                        reason: "FieldValueInvalid",
                        message:
                            "Invalid value: \(number): provided port is not in the valid range. The range of valid ports is 30000-32767",
                        field: field))
            } else if (used.contains(number) && !held.contains(number)) || !taken.insert(number).inserted {
                causes.append(
                    Status.Cause(
                        reason: "FieldValueInvalid",
                        message: "Invalid value: \(number): provided port is already allocated",
                        field: field))
            }
        }
        guard causes.isEmpty else { throw .invalid(resource, name, causes) }
        for index in ports.indices where ports[index]["nodePort"] == nil {
            guard let port = free(avoiding: taken) else {
                throw APIError(
                    code: 500, reason: "InternalError", message: "the node port range is exhausted")
            }
            taken.insert(port)
            ports[index].set(["nodePort"], .integer(port))
        }
        used.subtract(held.subtracting(taken))
        used.formUnion(taken)
        service.set(["spec", "ports"], .array(ports))
    }

    private mutating func free(avoiding taken: Set<Int>) -> Int? {
        for _ in Self.range {
            let candidate = next
            next = next == Self.range.upperBound ? Self.range.lowerBound : next + 1
            if !used.contains(candidate) && !taken.contains(candidate) { return candidate }
        }
        return nil
    }
}
