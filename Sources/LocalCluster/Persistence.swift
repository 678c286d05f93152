import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps objects in a data directory, one JSON file per object
/// (`objects/<resource>/<namespace or _>/<name>.json`), each replaced atomically (write a
/// temporary file, fsync, rename, fsync the folder), so a crash leaves the old or the new
/// object, never half of one. One file per object keeps a write's cost independent of how many
/// objects there are. The resourceVersion counter lives in `resource-version`, written when a
/// delete moves it past every stored object.
struct Persistence: Sendable {
    let directory: String

    struct Loaded {
        var objects: [(storageKey: String, object: JSONValue)] = []
        var resourceVersion: UInt64 = 0
    }

    private var objectsDirectory: String { directory + "/objects" }
    private var counterPath: String { directory + "/resource-version" }

    func load() throws(LocalClusterError) -> Loaded {
        var loaded = Loaded()
        try makeDirectory(objectsDirectory)
        if let text = try readFile(counterPath) {
            guard let value = UInt64(String(decoding: text.filter { $0 > 0x20 }, as: UTF8.self))
            else { throw .corruptObjectFile(path: counterPath, reason: "not an integer") }
            loaded.resourceVersion = value
        }
        for resource in try list(objectsDirectory) {
            let resourcePath = "\(objectsDirectory)/\(resource)"
            for namespace in try list(resourcePath) {
                let namespacePath = "\(resourcePath)/\(namespace)"
                for file in try list(namespacePath) where file.hasSuffix(".json") {
                    let path = "\(namespacePath)/\(file)"
                    guard let bytes = try readFile(path) else { continue }
                    let object: JSONValue
                    do { object = try JSONReader.parse(bytes) } catch {
                        throw .corruptObjectFile(path: path, reason: "\(error)")
                    }
                    guard object.value(at: ["metadata", "name"])?.stringValue == String(file.dropLast(5))
                    else {
                        throw .corruptObjectFile(
                            path: path, reason: "its metadata.name does not match the file name")
                    }
                    guard
                        let version = object.value(at: ["metadata", "resourceVersion"])?.stringValue.flatMap(
                            UInt64.init)
                    else {
                        throw .corruptObjectFile(
                            path: path, reason: "it has no integer metadata.resourceVersion")
                    }
                    loaded.resourceVersion = max(loaded.resourceVersion, version)
                    loaded.objects.append((resource, object))
                }
            }
        }
        return loaded
    }

    func save(_ object: JSONValue, storageKey: String, namespace: String, name: String)
        throws(LocalClusterError)
    {
        let folder = "\(objectsDirectory)/\(storageKey)/\(namespace.isEmpty ? "_" : namespace)"
        try makeDirectory(folder)
        try writeAtomically(object.encoded(), to: "\(folder)/\(name).json", folder: folder)
    }

    func remove(storageKey: String, namespace: String, name: String) throws(LocalClusterError) {
        let folder = "\(objectsDirectory)/\(storageKey)/\(namespace.isEmpty ? "_" : namespace)"
        let path = "\(folder)/\(name).json"
        if unlink(path) != 0 && errno != ENOENT { throw .dataDirectory(path: path, reason: Self.lastError()) }
        syncDirectory(folder)
    }

    func saveResourceVersion(_ version: UInt64) throws(LocalClusterError) {
        try writeAtomically(Array("\(version)\n".utf8), to: counterPath, folder: directory)
    }

    // MARK: - Files

    private func writeAtomically(_ bytes: [UInt8], to path: String, folder: String) throws(LocalClusterError)
    {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .dataDirectory(path: temporary, reason: Self.lastError()) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = Self.lastError()
                close(fd)
                throw .dataDirectory(path: temporary, reason: reason)
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            let reason = Self.lastError()
            close(fd)
            throw .dataDirectory(path: temporary, reason: reason)
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw .dataDirectory(path: path, reason: Self.lastError()) }
        syncDirectory(folder)
    }

    private func syncDirectory(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private func makeDirectory(_ path: String) throws(LocalClusterError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .dataDirectory(path: path, reason: "\(error)")
        }
    }

    private func list(_ path: String) throws(LocalClusterError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }
                .sorted()
        } catch {
            throw .dataDirectory(path: path, reason: "\(error)")
        }
    }

    private func readFile(_ path: String) throws(LocalClusterError) -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .dataDirectory(path: path, reason: "it cannot be read")
        }
        return Array(data)
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
