import Kubernetes
import ResourceQuantity

/// A planned update that changes a claim's requested size, and what the API server allows of
/// it. Kubernetes never shrinks a claim, and grows a bound one only when its StorageClass sets
/// `allowVolumeExpansion: true`; an update it would refuse is not sent, so it cannot fail the
/// pass and hold back the rest of the cluster. Pure: the reconciler reads the classes.
public struct ClaimResize: Equatable, Sendable {
    public let claim: String
    public let storageClass: String?
    public let from: Quantity
    public let to: Quantity
    /// Whether the live claim is bound: an unbound claim's spec is immutable until it is.
    public let bound: Bool

    public init(claim: String, storageClass: String?, from: Quantity, to: Quantity, bound: Bool) {
        self.claim = claim
        self.storageClass = storageClass
        self.from = from
        self.to = to
        self.bound = bound
    }

    public var grows: Bool { to > from }

    /// What is known of a claim's StorageClass.
    public enum ClassAnswer: Equatable, Sendable {
        case expandable
        case notExpandable
        case missing
        /// The read failed: the claim waits for the next pass, without a warning.
        case unknown
    }

    /// Why a resize is not sent: a `reason` for people, or a wait that needs no warning.
    public enum Verdict: Equatable, Sendable {
        case send
        case refuse(String)
        case wait
    }

    /// The claim updates in `steps` that change the requested size of a live claim. Updates
    /// whose sizes cannot be read are left to the API server to judge.
    public static func classify(steps: [ReconcileStep], actual: ActualState) -> [ClaimResize] {
        let live = Dictionary(
            actual.persistentVolumeClaims.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return steps.compactMap { step in
            guard case .update(let object) = step, let desired = object.as(PersistentVolumeClaim.self),
                let current = live[desired.name],
                let from = current.spec?.resources?.requests?["storage"].flatMap({
                    try? Quantity(parsing: $0)
                }),
                let to = desired.spec?.resources?.requests?["storage"].flatMap({ try? Quantity(parsing: $0) }
                ),
                from != to
            else { return nil }
            return ClaimResize(
                claim: desired.name,
                storageClass: current.spec?.storageClassName.flatMap { $0.isEmpty ? nil : $0 },
                from: from, to: to, bound: current.status?.phase == "Bound")
        }
    }

    /// The classes whose `allowVolumeExpansion` decides whether a claim may grow.
    public static func classesToRead(_ resizes: [ClaimResize]) -> Set<String> {
        Set(resizes.filter { $0.grows && $0.bound }.compactMap(\.storageClass))
    }

    /// Whether this resize may be sent, given what was read of the classes.
    public func verdict(classes: [String: ClassAnswer]) -> Verdict {
        let change = "\(from) to \(to)"
        guard grows else {
            return .refuse(
                "\(claim): its spec asks to shrink it from \(change); a claim never shrinks, so it keeps its size"
            )
        }
        guard bound else { return .wait }
        guard let storageClass else {
            return .refuse("\(claim): cannot grow from \(change): it has no StorageClass")
        }
        switch classes[storageClass] ?? .unknown {
        case .expandable: return .send
        case .unknown: return .wait
        case .missing:
            return .refuse(
                "\(claim): cannot grow from \(change): its StorageClass \(storageClass) does not exist")
        case .notExpandable:
            return .refuse(
                "\(claim): cannot grow from \(change): its StorageClass \(storageClass) does not allow "
                    + "volume expansion")
        }
    }

    /// `steps` without the updates of claims in `held`: nothing else is held back.
    public static func removing(_ held: Set<String>, from steps: [ReconcileStep]) -> [ReconcileStep] {
        guard !held.isEmpty else { return steps }
        return steps.filter { step in
            guard case .update(let object) = step, object.resourceType == .persistentVolumeClaims else {
                return true
            }
            return !held.contains(object.name)
        }
    }
}
