import ArgumentParser
import Reconciler

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The options of `serve` for running several replicas: one leader reconciles, every replica
/// serves alerts and the action API.
struct LeaderElectionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Elect one reconciling replica through a Lease: on, off, or auto (on, except when serve runs its own embedded cluster). Env: KAFKA_OPERATOR_LEADER_ELECTION.",
            valueName: "auto|on|off"))
    var leaderElection: Switch =
        Switch(rawValue: EnvironmentDefault.string("KAFKA_OPERATOR_LEADER_ELECTION", "auto")) ?? .auto

    @Option(
        help: ArgumentHelp(
            "Namespace of the Lease (default: POD_NAMESPACE, else kafka). Env: KAFKA_OPERATOR_LEADER_ELECTION_NAMESPACE.",
            valueName: "namespace"))
    var leaderElectionNamespace: String = EnvironmentDefault.string(
        "KAFKA_OPERATOR_LEADER_ELECTION_NAMESPACE", EnvironmentDefault.string("POD_NAMESPACE", "kafka"))

    @Option(help: ArgumentHelp("Name of the Lease.", valueName: "name"))
    var leaderElectionName: String = "kafka-operator-leader"

    @Option(
        help: ArgumentHelp(
            "This replica's name in the Lease (default: POD_NAME, else host name and process id).",
            valueName: "name"))
    var leaderElectionIdentity: String = EnvironmentDefault.string("POD_NAME", "")

    @Option(help: "Seconds a Lease holds without renewal before another replica may take it.")
    var leaseDuration: Double = 15

    @Option(help: "Seconds a leader keeps trying to renew before it stops reconciling.")
    var renewDeadline: Double = 10

    @Option(help: "Seconds between two attempts to take or renew the Lease.")
    var retryPeriod: Double = 2

    enum Switch: String, ExpressibleByArgument {
        case auto, on, off
    }

    func validate() throws {
        for (name, seconds) in [
            ("--lease-duration", leaseDuration), ("--renew-deadline", renewDeadline),
            ("--retry-period", retryPeriod),
        ] where !(seconds > 0 && seconds <= 3_600) {
            throw ValidationError("\(name) must be a number of seconds between 0 and 3600.")
        }
        if let problem = configuration.problem { throw ValidationError(problem + ".") }
    }

    /// Whether to elect. `auto` does, except in local mode: the embedded cluster lives and dies
    /// with this process and its data directory is locked to it, so there is no other replica
    /// to elect against, and renewing a Lease every `--retry-period` would be most of what an
    /// idle operator does.
    func isEnabled(ownsCluster: Bool) -> Bool {
        switch leaderElection {
        case .on: true
        case .off: false
        case .auto: !ownsCluster
        }
    }

    /// The name this replica gives in its requests' User-Agent, unless election is off.
    var replicaName: String? { leaderElection == .off ? nil : configuration.identity }

    /// The elector's settings.
    var configuration: LeaderElector.Configuration {
        LeaderElector.Configuration(
            namespace: leaderElectionNamespace, name: leaderElectionName,
            identity: leaderElectionIdentity.isEmpty ? Self.defaultIdentity : leaderElectionIdentity,
            leaseDuration: .milliseconds(Int64(leaseDuration * 1000)),
            renewDeadline: .milliseconds(Int64(renewDeadline * 1000)),
            retryPeriod: .milliseconds(Int64(retryPeriod * 1000)))
    }

    /// The host name (a pod's name on Kubernetes) and the process id, unique among replicas.
    static var defaultIdentity: String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : "kafka-operator"
        return "\(host)_\(getpid())"
    }
}
