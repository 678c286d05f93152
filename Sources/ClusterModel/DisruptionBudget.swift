/// `spec.disruptionBudget`: whether the brokers get a PodDisruptionBudget, and how many of them
/// a voluntary disruption (a node drain, an eviction) may take down at once.
public struct DisruptionBudget: Codable, Equatable, Sendable {
    public var create: Bool?
    /// A number of brokers (`"1"`) or a percentage of them (`"20%"`); one broker when absent,
    /// the one a rolling restart takes down at a time.
    public var budget: String?

    public init(create: Bool? = nil, budget: String? = nil) {
        self.create = create
        self.budget = budget
    }

    /// How many brokers may be down at once, for a cluster of `brokers`; nil when `budget` is
    /// neither a whole number nor a percentage. A percentage rounds down, as Koperator does.
    public func allowedDown(brokers: Int) -> Int? {
        let text = budget ?? "1"
        if text.hasSuffix("%") {
            guard let percent = Double(text.dropLast()), percent.isFinite, (0...100).contains(percent) else {
                return nil
            }
            return Int((percent * Double(brokers) / 100).rounded(.down))
        }
        guard let count = Int(text), count >= 0 else { return nil }
        return count
    }

    /// The budget's `minAvailable`: every broker but the allowed ones, and at least one.
    public func minAvailable(brokers: Int) -> Int? {
        allowedDown(brokers: brokers).map { max(1, brokers - $0) }
    }
}
