/// Finds a repeated key in one JSON object in time linear in the object's size: while the
/// object is small (nearly every object in a request has a handful of keys) its keys sit in
/// inline storage and are scanned, which costs no allocation; once it grows a hash set of its
/// keys takes over.
struct ObjectKeys {
    private typealias Scanned = InlineArray<12, String>
    /// Keys scanned before the set takes over.
    static let scanLimit = Scanned.count

    private var first = Scanned(repeating: "")
    private var count = 0
    /// Every key once the object has grown past `scanLimit`; empty (and unused) before.
    private var many: Set<String> = []
    /// Key comparisons and set operations made so far: the cost the limit bounds, for tests.
    private(set) var probes = 0

    /// Whether `key` differs from every key given before, and remembers it.
    mutating func isNew(_ key: String) -> Bool {
        if count < Self.scanLimit {
            for position in 0..<count {
                probes += 1
                if first[position] == key { return false }
            }
            first[count] = key
            count += 1
            return true
        }
        if many.isEmpty {
            many.reserveCapacity(count * 2)
            for position in 0..<Self.scanLimit { many.insert(first[position]) }
            probes += Self.scanLimit
        }
        probes += 1
        let inserted = many.insert(key).inserted
        if inserted { count += 1 }
        return inserted
    }
}
