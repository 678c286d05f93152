/// The keys of one JSON object read so far, so a repeated key is found in time linear in the
/// object's size: a short list scanned while the object is small (nearly every object in a
/// request has a handful of keys, where scanning beats hashing), a hash set once it grows.
struct ObjectKeys {
    /// Keys kept in the scanned list before moving to the set.
    static let scanLimit = 12

    private var few: [String] = []
    /// Every key once the object has grown past `scanLimit`; empty (and unused) before.
    private var many: Set<String> = []
    private var isLarge = false
    /// Key comparisons and set insertions made so far: the cost the limit bounds, for tests.
    private(set) var probes = 0

    /// Adds `key`; false when the object already has it.
    mutating func insert(_ key: String) -> Bool {
        if isLarge {
            probes += 1
            return many.insert(key).inserted
        }
        for seen in few {
            probes += 1
            if seen == key { return false }
        }
        few.append(key)
        if few.count > Self.scanLimit {
            probes += few.count
            many = Set(few)
            few = []
            isLarge = true
        }
        return true
    }
}
