import ClusterModel
import KafkaAdmin

/// Kafka's health for one cluster, from a Metadata read.
public typealias ClusterHealthReader = @Sendable (KafkaCluster) async throws -> ClusterHealthReport

/// `kafka`'s answer for every cluster (the operator's one Kafka client).
public func clusterHealthReader(kafka: any KafkaAdminClient) -> ClusterHealthReader {
    clusterHealthReader(clients: { _ in kafka })
}

/// Each cluster's own client's answer.
public func clusterHealthReader(clients: @escaping KafkaClientProvider) -> ClusterHealthReader {
    { cluster in try await clients(cluster).healthReport(expectedBrokers: cluster.spec.brokers.map(\.id)) }
}

extension ClusterReconciler {
    /// Takes the cluster's rolling upgrade one step (`RollingUpgrade`): reads Kafka's health
    /// only while there is something to roll, says what happened in Events and metrics, and
    /// returns the upgrade to store; nil when there is none (then nothing was read).
    func rollingUpgrade(
        _ cluster: KafkaCluster, scope: RollingRestartScope, desired: DesiredState, taskUnderWay: Bool,
        events: EventRecorder, result: inout ReconcileResult
    ) async -> RollingUpgrade? {
        var upgrade = RollingUpgrade(status: cluster.status?.rollingUpgradeStatus)
        let recorded = upgrade.status
        guard !scope.outdated.isEmpty || recorded.restarting != nil || recorded.pauseReason != nil else {
            return nil
        }
        let key = "\(cluster.metadata.namespace ?? "")/\(cluster.metadata.name)"
        let kafka: RollingUpgrade.KafkaView
        if let read = configuration.clusterHealth {
            do {
                kafka = .known(RollingUpgrade.KafkaHealth(report: try await read(cluster)))
            } catch {
                logger.warning(
                    "Kafka's metadata could not be read; the rolling upgrade waits",
                    metadata: ["cluster": "\(key)", "error": "\(error)"])
                kafka = .unreadable("\(error)")
            }
        } else {
            kafka = .unwatched
        }
        let now = configuration.now()
        let config = cluster.spec.rollingUpgradeConfig
        let firing = (cluster.status?.rollingUpgradeAlerts ?? []).filter { $0.isFiring(at: now) }.count
        let step = upgrade.next(
            RollingUpgrade.Observation(
                outdated: scope.outdated, unavailable: scope.unavailable, racks: scope.racks,
                brokers: desired.brokerIDs, kafka: kafka, firingAlerts: firing,
                gracefulTaskUnderWay: taskUnderWay,
                failureThreshold: config?.failureThreshold ?? RollingUpgrade.defaultFailureThreshold,
                concurrentPerRack: max(1, config?.concurrentBrokerRestartCountPerRack ?? 1), now: now,
                pauseLimitMilliseconds: Self.milliseconds(configuration.rollingUpgradePauseLimit)))
        result.rollingUpgrade = step

        let metrics = configuration.rollingUpgradeMetrics
        if case .wait(let reason) = step {
            metrics.paused(!reason.isExpected, cluster: key)
        } else {
            metrics.paused(false, cluster: key)
        }
        let name = cluster.metadata.name
        let generation = cluster.metadata.generation ?? 0
        let pausedSince = upgrade.status.pausedSince.flatMap(UTCTimestamp.milliseconds(of:)) ?? now
        for announcement in upgrade.announcements {
            switch announcement {
            case .started(let brokers):
                result.eventsRecorded += await events.record(
                    reason: "RollingUpgradeStarted",
                    message:
                        "Brokers \(Self.list(brokers)) run out-of-date pods; they restart one batch at a time, "
                        + "the controller last, each after the health gate",
                    name: "\(name).rolling-upgrade.started.\(generation)")
            case .restarting(let brokers):
                metrics.restarted(brokers.count, cluster: key)
                let pods = brokers.compactMap { desired.broker($0)?.pod.name }
                logger.info(
                    "rolling upgrade: restarting", metadata: ["cluster": "\(key)", "brokers": "\(brokers)"])
                result.eventsRecorded += await events.record(
                    reason: "RollingUpgradeBrokerRestart",
                    message: "Restarting broker \(Self.list(brokers)): the gate is open",
                    name: "\(name).rolling-upgrade.\(pods.joined(separator: "."))")
            case .paused(let reason):
                logger.warning(
                    "rolling upgrade paused", metadata: ["cluster": "\(key)", "reason": "\(reason)"])
                result.eventsRecorded += await events.record(
                    reason: "RollingUpgradePaused", message: "The rolling upgrade waits: \(reason)",
                    name: "\(name).rolling-upgrade.paused.\(reason.code.lowercased()).\(pausedSince)",
                    type: "Warning")
            case .pausedTooLong(let reason, let milliseconds):
                metrics.pausedTooLong(cluster: key)
                logger.warning(
                    "rolling upgrade paused too long",
                    metadata: [
                        "cluster": "\(key)", "reason": "\(reason)", "seconds": "\(milliseconds / 1000)",
                    ])
                result.eventsRecorded += await events.record(
                    reason: "RollingUpgradePausedTooLong",
                    message:
                        "The rolling upgrade has waited \(milliseconds / 1000) s and keeps waiting: \(reason)",
                    name: "\(name).rolling-upgrade.long.\(reason.code.lowercased()).\(pausedSince)",
                    type: "Warning")
            case .resumed(let milliseconds, let reason):
                result.eventsRecorded += await events.record(
                    reason: "RollingUpgradeResumed",
                    message: "The rolling upgrade resumes after \(milliseconds / 1000) s (\(reason))")
            case .finished:
                result.eventsRecorded += await events.record(
                    reason: "RollingUpgradeFinished", message: "Every broker runs its current pod",
                    name: "\(name).rolling-upgrade.finished.\(generation)")
            }
        }
        return upgrade
    }

    private static func list(_ ids: [Int32]) -> String { ids.map(String.init).joined(separator: ", ") }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension RollingUpgrade {
    /// Koperator's default: one failing check or firing alert pauses the upgrade.
    public static let defaultFailureThreshold = 1
}
