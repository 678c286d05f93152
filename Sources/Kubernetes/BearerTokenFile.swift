import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A token kept in a file that is replaced while the process runs (a service account's token
/// is rotated by the kubelet): read again whenever the file's inode, size or modification time
/// changes, which costs one `stat` per request.
final class BearerTokenFile: Sendable {
    let path: String
    private let cache = Mutex<(stamp: FileStamp, token: String)?>(nil)

    init(path: String) {
        self.path = path
    }

    /// The file's current token. When the file cannot be read but was read before, the last
    /// token is kept: a rotation in progress must not fail requests.
    func current() throws(KubernetesError) -> String {
        let stamp = FileStamp(path: path)
        if let stamp, let cached = cache.withLock({ $0 }), cached.stamp == stamp { return cached.token }
        guard let stamp, let token = Self.readToken(path) else {
            if let cached = cache.withLock({ $0 }) { return cached.token }
            throw .configuration("the bearer token file \(path) cannot be read")
        }
        cache.withLock { $0 = (stamp, token) }
        return token
    }

    private static func readToken(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes += chunk[0..<count]
            // A token is a few kilobytes; anything far larger is not one.
            if bytes.count > 1 << 20 { return nil }
        }
        let token = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace).first
        return token.map(String.init)
    }
}

/// What tells one version of a file from the next.
struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    /// Follows symbolic links, as the kubelet swaps a `..data` link to rotate the token.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
            modifiedSeconds = Int(info.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
            modifiedSeconds = Int(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
    }
}
