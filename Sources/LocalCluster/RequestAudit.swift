import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which API requests the local cluster served, as a real API server's audit log records them:
/// who (the user agent) did which verb on which resource. Tests read it to compare what a
/// client does with what its RBAC role allows.
public final class RequestAudit: Sendable {
    public struct Entry: Equatable, Hashable, Sendable {
        /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`.
        public let verb: String
        /// Empty for the core group.
        public let group: String
        /// The plural, with `/status` for the subresource: `pods`, `kafkaclusters/status`.
        public let resource: String
        public let userAgent: String
    }

    /// The newest entries kept in memory; older ones are dropped (the file keeps them all).
    public static let memoryLimit = 10_000

    private let entries = Mutex<[Entry]>([])
    private let file = Mutex<Int32?>(nil)

    init() {}

    deinit {
        if let descriptor = file.withLock({ $0 }) { close(descriptor) }
    }

    /// From now on, also appends one line per request to the file at `path`.
    func writeAlso(to path: String) throws(LocalClusterError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .dataDirectory(path: path, reason: "the audit log cannot be opened (errno \(errno))")
        }
        file.withLock { $0 = descriptor }
    }

    /// The entries recorded so far, oldest first.
    public var recorded: [Entry] { entries.withLock { $0 } }

    func record(verb: String, group: String, resource: String, subresource: String?, userAgent: String) {
        let entry = Entry(
            verb: verb, group: group, resource: subresource.map { "\(resource)/\($0)" } ?? resource,
            userAgent: userAgent)
        entries.withLock { entries in
            entries.append(entry)
            if entries.count > Self.memoryLimit { entries.removeFirst(entries.count - Self.memoryLimit) }
        }
        guard let file = file.withLock({ $0 }) else { return }
        // One write(2) per line on an O_APPEND descriptor: lines never interleave.
        let line =
            "\(entry.verb) \(entry.group.isEmpty ? "core" : entry.group) \(entry.resource) \(entry.userAgent)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { buffer in
            write(file, buffer.baseAddress, buffer.count - 1)
        }
    }
}
