import JSON

/// One change to the store, as watchers and the cluster's own controllers see it.
struct StoreChange: Sendable {
    enum Kind: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    let kind: Kind
    let resource: ResourceDefinition
    let resourceVersion: UInt64
    let object: JSONValue
    /// The object before the change (for selectors that stop or start matching).
    let previous: JSONValue?

    var namespace: String { object.value(at: ["metadata", "namespace"])?.stringValue ?? "" }
}

/// What one watch asked for.
struct WatchFilter: Sendable {
    let resource: ResourceDefinition
    /// Nil watches every namespace.
    let namespace: String?
    let labels: LabelSelector
    let fields: FieldSelector
    /// Send each object as a one-row Table, as `kubectl get --watch` asks.
    var asTable = false

    func matches(_ object: JSONValue) -> Bool {
        labels.matches(object.value(at: ["metadata", "labels"])?.stringMap ?? [:]) && fields.matches(object)
    }

    /// The event this watcher sees for `change`, if any: an object that starts matching is
    /// ADDED for it, one that stops matching is DELETED, as in the real API.
    func event(for change: StoreChange) -> (type: String, object: JSONValue)? {
        guard change.resource == resource else { return nil }
        if let namespace, change.namespace != namespace { return nil }
        let now = matches(change.object)
        switch change.kind {
        case .added: return now ? ("ADDED", change.object) : nil
        case .deleted: return now ? ("DELETED", change.object) : nil
        case .modified:
            let before = change.previous.map(matches) ?? false
            switch (before, now) {
            case (true, true): return ("MODIFIED", change.object)
            case (false, true): return ("ADDED", change.object)
            case (true, false): return ("DELETED", change.object)
            case (false, false): return nil
            }
        }
    }

    /// The event line for an object change, rendered as this watch asked.
    func line(type: String, object: JSONValue) -> [UInt8] {
        guard asTable else { return Self.line(type: type, object: object) }
        let version =
            object.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap(UInt64.init) ?? 0
        return Self.line(
            type: type, object: TableRenderer.table(resource, items: [object], resourceVersion: version))
    }

    static func line(type: String, object: JSONValue) -> [UInt8] {
        var bytes = JSONValue.object([("type", .string(type)), ("object", object)]).encoded()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

/// The bounded history of recent changes (for watches that resume from a resourceVersion) and
/// the open watches that changes are sent to. Owned by the store actor.
struct WatchHub {
    private struct Watcher {
        let filter: WatchFilter
        let continuation: AsyncStream<[UInt8]>.Continuation
        var timers: [Task<Void, Never>]
    }

    private var history: [StoreChange] = []
    private var historyStart = 0
    private let capacity: Int
    /// Every change after this resourceVersion is still in the history.
    private(set) var floor: UInt64
    private var watchers: [Int: Watcher] = [:]
    private var nextID = 0

    init(capacity: Int, floor: UInt64) {
        self.capacity = max(1, capacity)
        self.floor = floor
    }

    var watcherCount: Int { watchers.count }

    mutating func record(_ change: StoreChange) {
        history.append(change)
        if history.count - historyStart > capacity {
            floor = history[historyStart].resourceVersion
            historyStart += 1
            if historyStart > capacity {
                history.removeFirst(historyStart)
                historyStart = 0
            }
        }
        for watcher in watchers.values {
            if let event = watcher.filter.event(for: change) {
                watcher.continuation.yield(watcher.filter.line(type: event.type, object: event.object))
            }
        }
    }

    /// The recorded changes after `version`, oldest first.
    func changes(after version: UInt64) -> ArraySlice<StoreChange> {
        let live = history[historyStart...]
        let first = live.firstIndex { $0.resourceVersion > version } ?? live.endIndex
        return live[first...]
    }

    mutating func add(_ filter: WatchFilter, continuation: AsyncStream<[UInt8]>.Continuation) -> Int {
        nextID += 1
        watchers[nextID] = Watcher(filter: filter, continuation: continuation, timers: [])
        return nextID
    }

    mutating func attach(_ timer: Task<Void, Never>, to id: Int) {
        if watchers[id] == nil { timer.cancel() } else { watchers[id]?.timers.append(timer) }
    }

    func yield(_ bytes: [UInt8], to id: Int) { watchers[id]?.continuation.yield(bytes) }

    /// Ends one watch (its timeout passed, or its client left).
    mutating func end(_ id: Int) {
        guard let watcher = watchers.removeValue(forKey: id) else { return }
        for timer in watcher.timers { timer.cancel() }
        watcher.continuation.finish()
    }

    /// Ends every open watch, as an API server restart or a network cut would.
    mutating func endAll() {
        for id in Array(watchers.keys) { end(id) }
    }
}
