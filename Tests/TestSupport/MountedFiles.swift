import Synchronization

/// A mounted Secret's files, by path, which a test rewrites as the kubelet would while a
/// server reads them through `read`.
public final class MountedFiles: Sendable {
    private let files: Mutex<[String: String]>

    public init(_ files: [String: String]) { self.files = Mutex(files) }

    public func read(_ path: String) -> String? { files.withLock { $0[path] } }

    public func write(_ path: String, _ text: String) { files.withLock { $0[path] = text } }
}
