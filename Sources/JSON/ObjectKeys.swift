/// Finds a repeated key in one JSON object in time linear in the object's size: while the
/// object is small (nearly every object in a request has a handful of keys) its keys are
/// scanned, which costs no allocation; once it grows a hash set of its keys takes over.
///
/// The keys sit in a stack shared by every object being read (an object's keys above its
/// enclosing object's), so a whole document reuses one buffer.
struct ObjectKeys {
    /// Keys scanned before the set takes over.
    static let scanLimit = 12

    /// Where this object's keys start in the shared stack.
    private let base: Int
    /// Every key once the object has grown past `scanLimit`; empty (and unused) before.
    private var many: Set<String> = []
    /// Key comparisons and set operations made so far: the cost the limit bounds, for tests.
    private(set) var probes = 0

    /// Starts an object whose keys go on top of `stack`.
    init(on stack: [String]) {
        base = stack.count
    }

    /// Whether `key` differs from every key given before, and remembers it.
    mutating func isNew(_ key: String, on stack: inout [String]) -> Bool {
        let count = stack.count - base
        if count < Self.scanLimit {
            // Comparing lengths first keeps most comparisons to one integer.
            let length = key.utf8.count
            for position in base..<stack.count {
                probes += 1
                if stack[position].utf8.count == length, stack[position] == key { return false }
            }
            stack.append(key)
            return true
        }
        if many.isEmpty {
            many.reserveCapacity(count * 2)
            for position in base..<stack.count { many.insert(stack[position]) }
            probes += count
        }
        probes += 1
        return many.insert(key).inserted
    }

    /// Ends the object: its keys leave the stack.
    func end(on stack: inout [String]) {
        while stack.count > base { stack.removeLast() }
    }
}
