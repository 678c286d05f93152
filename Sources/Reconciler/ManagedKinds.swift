import Kubernetes

/// A kind of object the reconciler renders and keeps as rendered. A conformance says how a
/// live object of the kind is compared with the rendered one and how the rendered one is laid
/// over it; registering the type in `ManagedKinds.all` makes the reconciler list, watch,
/// create, update and delete it.
public protocol ManagedObject: KubernetesObject, Equatable {
    /// Objects that are replaced under a new name rather than updated (a pod).
    static var isReplacedNotUpdated: Bool { get }
    /// Objects that stay when a broker that is staying no longer renders them (a disk's claim:
    /// its data outlives a changed spec until the broker leaves).
    static var outlivesItsBroker: Bool { get }

    /// Whether someone changed what we rendered without touching the hash annotation. Fields
    /// the server fills in are not compared.
    func drifted(from desired: Self) -> Bool

    /// Whether the live object has ended for good and must be replaced (a pod `Failed` or
    /// `Succeeded` under `restartPolicy: Never`).
    var hasEnded: Bool { get }

    /// This rendered object with what the server owns kept from `live` (an assigned IP, a bound
    /// volume).
    func keepingServerFields(of live: Self) -> Self
}

extension ManagedObject {
    public static var isReplacedNotUpdated: Bool { false }
    public static var outlivesItsBroker: Bool { false }
    public func drifted(from desired: Self) -> Bool { false }
    public var hasEnded: Bool { false }
    public func keepingServerFields(of live: Self) -> Self { self }
}

/// The kinds the reconciler manages, in the order their objects are listed. Observation
/// (one list per kind and cluster) and the reconcile loop's watches are derived from it.
public enum ManagedKinds {
    public static let all: [any ManagedObject.Type] = [
        ConfigMap.self, PersistentVolumeClaim.self, Kubernetes.Service.self, Pod.self,
        PodDisruptionBudget.self, Deployment.self,
    ]
}

extension Pod: ManagedObject {
    public static var isReplacedNotUpdated: Bool { true }
    public var hasEnded: Bool { status?.phase == "Failed" || status?.phase == "Succeeded" }
}

extension ConfigMap: ManagedObject {
    public func drifted(from desired: ConfigMap) -> Bool { data != desired.data }
}

extension PersistentVolumeClaim: ManagedObject {
    public static var outlivesItsBroker: Bool { true }

    public func drifted(from desired: PersistentVolumeClaim) -> Bool {
        spec?.resources?.requests != desired.spec?.resources?.requests
    }

    /// Only the requested size of a claim may change; the rest stays as it was bound.
    public func keepingServerFields(of live: PersistentVolumeClaim) -> PersistentVolumeClaim {
        var claim = self
        var spec = live.spec ?? self.spec
        spec?.resources = self.spec?.resources
        claim.spec = spec
        claim.status = live.status
        return claim
    }
}

extension Kubernetes.Service: ManagedObject {
    public func drifted(from desired: Kubernetes.Service) -> Bool {
        spec?.selector != desired.spec?.selector
            || Self.withAssignedNodePorts(desired.spec?.ports, from: spec?.ports) != spec?.ports
            || (desired.spec?.type.map { $0 != spec?.type } ?? false)
            || (desired.spec?.clusterIP == "None" && spec?.clusterIP != "None")
    }

    public func keepingServerFields(of live: Kubernetes.Service) -> Kubernetes.Service {
        var service = self
        if service.spec?.clusterIP == nil {
            service.spec?.clusterIP = live.spec?.clusterIP
            service.spec?.clusterIPs = live.spec?.clusterIPs
        }
        // A load balancer's address is the cloud's, and so is a node port left unchosen.
        service.status = live.status
        let ports = Self.withAssignedNodePorts(service.spec?.ports, from: live.spec?.ports)
        service.spec?.ports = ports
        return service
    }

    /// `ports` with each unchosen node port (of a NodePort or LoadBalancer Service) taken from
    /// the live port of the same name, which the server assigned.
    static func withAssignedNodePorts(_ ports: [Service.Port]?, from live: [Service.Port]?) -> [Service.Port]?
    {
        guard let ports, let live else { return ports }
        return ports.map { port in
            guard port.nodePort == nil, let assigned = live.first(where: { $0.name == port.name })?.nodePort
            else {
                return port
            }
            var port = port
            port.nodePort = assigned
            return port
        }
    }
}

extension PodDisruptionBudget: ManagedObject {
    public func drifted(from desired: PodDisruptionBudget) -> Bool {
        spec?.selector != desired.spec?.selector || spec?.minAvailable != desired.spec?.minAvailable
            || spec?.maxUnavailable != desired.spec?.maxUnavailable
    }
}

extension Deployment: ManagedObject {
    /// The API server fills in much of a pod template (pull policies, termination message
    /// paths, DNS policy), so the template is not compared whole: what the operator decides
    /// (replicas, selector, the template's labels and annotations, each container's image) is.
    /// Anything else edited by hand is put back when the rendered spec next changes.
    public func drifted(from desired: Deployment) -> Bool {
        guard let spec, let wanted = desired.spec else { return desired.spec != nil }
        let annotations = spec.template.metadata?.annotations ?? [:]
        let images = { (template: PodTemplateSpec) in
            (template.spec?.containers ?? []).map { [$0.name, $0.image ?? ""] }
        }
        return spec.replicas != wanted.replicas || spec.selector != wanted.selector
            || spec.template.metadata?.labels != wanted.template.metadata?.labels
            || (wanted.template.metadata?.annotations ?? [:]).contains { annotations[$0.key] != $0.value }
            || images(spec.template) != images(wanted.template)
    }

    /// The rollout the controller reports stays the controller's.
    public func keepingServerFields(of live: Deployment) -> Deployment {
        var deployment = self
        deployment.status = live.status
        return deployment
    }
}
