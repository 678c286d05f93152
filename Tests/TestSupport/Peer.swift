import Foundation

/// Finding the external programs tests talk to (curl, promtool, tansu, ...).
///
/// Outside CI a missing peer skips the test with a message; with `CI=true` a missing peer
/// is a failure, so CI can never pass by silently testing less.
public enum Peer {
    /// True when running under CI (`CI=true`), where every peer must be present.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The absolute path of `name` on `PATH`, or nil.
    public static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether a test needing `name` should run: true when present; false (skip) when absent
    /// outside CI. Under CI an absent peer is a programming error in the test setup.
    public static func available(_ name: String) -> Bool {
        if find(name) != nil { return true }
        precondition(!isCI, "required test peer '\(name)' is not installed (CI=true)")
        return false
    }

    /// Whether `python3` can import `module` (from a PyPI package the test scripts install).
    /// Outside CI an absent module skips the test; under CI the test runs and its failure to
    /// import is recorded against it.
    public static func availablePythonModule(_ module: String) -> Bool {
        guard find("python3") != nil else { return isCI }
        let imported = try? runProcess("python3", ["-c", "import \(module)"])
        return imported?.status == 0 || isCI
    }
}
