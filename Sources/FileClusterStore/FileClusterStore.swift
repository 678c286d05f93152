import ClusterModel
import Foundation

/// A `ClusterStore` on local disk: one JSON document per cluster at
/// `<directory>/<namespace>/<name>.json`, its revision in `metadata.resourceVersion`.
///
/// Writes are atomic (a temporary file in the same directory, fsync, rename, fsync of the
/// directory), so a crash leaves either the old or the new document, never a torn one.
/// The read-check-write of an update holds an exclusive `flock` on a per-cluster lock file,
/// so two processes sharing the directory cannot both win with the same revision.
public actor FileClusterStore: ClusterStore {
    public let directory: URL

    public init(directory: URL) throws(ClusterStoreError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create \(directory.path): \(error.localizedDescription)")
        }
        Self.removeLeftoverTemporaryFiles(under: directory)
    }

    public func get(namespace: String, name: String) throws(ClusterStoreError) -> StoredCluster {
        let file = try location(namespace, name)
        guard let stored = try Self.read(file) else { throw .notFound(namespace: namespace, name: name) }
        return stored
    }

    public func list() throws(ClusterStoreError) -> [StoredCluster] {
        let namespaces = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var result: [StoredCluster] = []
        for namespace in namespaces.sorted() where !namespace.hasPrefix(".") {
            let folder = directory.appendingPathComponent(namespace)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for file in files.sorted() where file.hasSuffix(".json") && !file.hasPrefix(".") {
                if let stored = try Self.read(folder.appendingPathComponent(file)) { result.append(stored) }
            }
        }
        return result
    }

    public func create(_ document: ClusterDocument) throws(ClusterStoreError) -> StoredCluster {
        let file = try location(document.namespace, document.name)
        return try withLock(on: file) { () throws(ClusterStoreError) -> StoredCluster in
            guard try Self.read(file) == nil else {
                throw .alreadyExists(namespace: document.namespace, name: document.name)
            }
            return try Self.write(document, revision: 1, to: file)
        }
    }

    public func update(_ document: ClusterDocument, expectedRevision: String) throws(ClusterStoreError)
        -> StoredCluster
    {
        let file = try location(document.namespace, document.name)
        return try withLock(on: file) { () throws(ClusterStoreError) -> StoredCluster in
            guard let current = try Self.read(file) else {
                throw .notFound(namespace: document.namespace, name: document.name)
            }
            guard current.revision == expectedRevision, let revision = Int(current.revision) else {
                throw .conflict(namespace: document.namespace, name: document.name)
            }
            return try Self.write(document, revision: revision + 1, to: file)
        }
    }

    // MARK: - Files

    /// The file of a cluster; names are Kubernetes names, so anything else is refused rather
    /// than allowed to escape the directory.
    private func location(_ namespace: String, _ name: String) throws(ClusterStoreError) -> URL {
        for part in [namespace, name] where !Self.isDNSLabelLike(part) {
            throw .storage("'\(part.prefix(64))' is not a valid Kubernetes name")
        }
        return directory.appendingPathComponent(namespace).appendingPathComponent("\(name).json")
    }

    static func isDNSLabelLike(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 253 && text.first != "-" && text.first != "."
            && text.utf8.allSatisfy {
                ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46
            }
    }

    private static func read(_ file: URL) throws(ClusterStoreError) -> StoredCluster? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        let document: ClusterDocument
        do {
            document = try ClusterDocument(json: Array(data))
        } catch {
            throw .corrupted(location: file.path, reason: error.description)
        }
        guard let revision = document.cluster.metadata.resourceVersion else {
            throw .corrupted(location: file.path, reason: "it has no metadata.resourceVersion")
        }
        return StoredCluster(document: document, revision: revision)
    }

    private static func write(_ document: ClusterDocument, revision: Int, to file: URL)
        throws(ClusterStoreError)
        -> StoredCluster
    {
        var document = document
        document.cluster.metadata.resourceVersion = String(revision)
        let folder = file.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(
            ".\(file.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        var bytes = document.json()
        bytes.append(UInt8(ascii: "\n"))
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .storage("cannot create \(temporary.path): \(String(cString: strerror(errno)))")
        }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(temporary.path, file.path) != 0 {
            failure = String(cString: strerror(errno))
        }
        if let failure {
            unlink(temporary.path)
            throw .storage("cannot write \(file.path): \(failure)")
        }
        // The rename is durable only once the directory entry is.
        let directoryFD = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
        return StoredCluster(document: document, revision: String(revision))
    }

    private func withLock<T>(on file: URL, _ body: () throws(ClusterStoreError) -> T)
        throws(ClusterStoreError) -> T
    {
        let folder = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create \(folder.path): \(error.localizedDescription)")
        }
        let lockPath = folder.appendingPathComponent(".\(file.lastPathComponent).lock").path
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storage("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw .storage("cannot lock \(lockPath): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Temporary files are only ever left by a crash between create and rename; one younger
    /// than a minute may belong to another process writing right now.
    private static func removeLeftoverTemporaryFiles(under directory: URL) {
        let cutoff = Date().addingTimeInterval(-60)
        let namespaces = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for namespace in namespaces {
            let folder = directory.appendingPathComponent(namespace)
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            where file.hasPrefix(".") && file.contains(".json.tmp-") {
                let path = folder.appendingPathComponent(file)
                let modified =
                    (try? FileManager.default.attributesOfItem(atPath: path.path))?[.modificationDate]
                    as? Date
                if let modified, modified < cutoff { try? FileManager.default.removeItem(at: path) }
            }
        }
    }
}
