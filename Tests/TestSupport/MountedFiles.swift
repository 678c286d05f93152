import Synchronization

/// A mounted Secret's files, by path, which a test rewrites as the kubelet would while a
/// server reads them through `read`. Files are bytes (a keystore is binary); PEM goes in as text.
public final class MountedFiles: Sendable {
    private let files: Mutex<[String: [UInt8]]>

    public init(_ files: [String: String]) { self.files = Mutex(files.mapValues { Array($0.utf8) }) }

    public init(bytes files: [String: [UInt8]]) { self.files = Mutex(files) }

    public func read(_ path: String) -> [UInt8]? { files.withLock { $0[path] } }

    public func write(_ path: String, _ text: String) { write(path, bytes: Array(text.utf8)) }

    public func write(_ path: String, bytes: [UInt8]) { files.withLock { $0[path] = bytes } }
}
