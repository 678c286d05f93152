/// Finds a repeated key in one JSON object in time linear in the object's size: while the
/// object is small (nearly every object in a request has a handful of keys) the members read
/// so far are scanned, which costs no allocation; once it grows a hash set of its keys takes
/// over.
struct ObjectKeys {
    /// Members scanned before the set takes over.
    static let scanLimit = 12

    /// Every key once the object has grown past `scanLimit`; empty (and unused) before.
    private var many: Set<String> = []
    /// Key comparisons and set operations made so far: the cost the limit bounds, for tests.
    private(set) var probes = 0

    /// Whether `key` is new to an object whose members so far are `members`; every key of
    /// `members` must have been checked here, in order.
    mutating func isNew(_ key: String, among members: [(key: String, value: JSONValue)]) -> Bool {
        if members.count < Self.scanLimit {
            for member in members {
                probes += 1
                if member.key == key { return false }
            }
            return true
        }
        if many.isEmpty {
            many.reserveCapacity(members.count * 2)
            for member in members { many.insert(member.key) }
            probes += members.count
        }
        probes += 1
        return many.insert(key).inserted
    }
}
