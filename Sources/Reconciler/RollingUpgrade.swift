import ClusterModel
import KafkaAdmin

/// A health-gated rolling restart of the brokers whose running pod is out of date (a new
/// image, read-only configuration, JVM options, resources or mounts: whatever the pod's hash
/// covers). A value over `RollingUpgradeStatus`: each pass observes, `next(_:)` says what to do,
/// and the reconciler does it and stores the status this leaves.
///
/// - One batch at a time: one broker, or up to `concurrentBrokerRestartCountPerRack` brokers of
///   one rack when every broker names its rack (`broker.rack`): with rack-aware replica
///   placement, brokers of one rack share no partition.
/// - The active controller goes last.
/// - Before each batch, the gate: the last batch back (its pods Ready and in every ISR), no
///   other broker down, no offline partition, every replica in sync, no Cruise Control task
///   under way, and the error count (brokers with offline or out-of-sync replicas, Kafka
///   unreadable, firing alerts labelled `rollingupgrade`) below the failure threshold.
/// - A closed gate pauses the upgrade; it resumes by itself when the gate opens. An unexpected
///   pause is announced once (`announcements`); one longer than the limit once more. It never
///   gives up: a broker that does not come back keeps the upgrade where it is.
///
/// Which brokers still need a restart is read from the pods on every pass, never remembered:
/// a restarted operator carries on where the objects say and restarts nobody twice.
public struct RollingUpgrade: Equatable, Sendable {
    /// The Kafka side of the gate, from one Metadata read.
    public struct KafkaHealth: Equatable, Sendable {
        public var controller: Int32?
        public var offlinePartitions: Int
        /// Brokers holding a replica outside its partition's ISR, or of an offline partition.
        public var outOfSyncBrokers: Set<Int32>

        public init(controller: Int32?, offlinePartitions: Int, outOfSyncBrokers: Set<Int32>) {
            self.controller = controller
            self.offlinePartitions = offlinePartitions
            self.outOfSyncBrokers = outOfSyncBrokers
        }

        public init(report: ClusterHealthReport) {
            var outOfSync: Set<Int32> = []
            for partition in report.offlinePartitions + report.underReplicatedPartitions {
                outOfSync.formUnion(Set(partition.replicas).subtracting(partition.inSyncReplicas))
            }
            self.init(
                controller: report.controllerId, offlinePartitions: report.offlinePartitions.count,
                outOfSyncBrokers: outOfSync)
        }
    }

    /// What Kafka said this pass.
    public enum KafkaView: Equatable, Sendable {
        case known(KafkaHealth)
        /// Metadata could not be read: a failing check.
        case unreadable(String)
        /// The operator has no Kafka client: the gate is the pods' readiness alone.
        case unwatched
    }

    public struct Observation: Equatable, Sendable {
        /// Brokers in the spec whose running pod is out of date: the upgrade's work.
        public var outdated: Set<Int32>
        /// Brokers in the spec without a Ready pod of their current content (starting,
        /// terminating, missing, ended).
        public var unavailable: Set<Int32>
        /// Each broker's `broker.rack`, for those that name one.
        public var racks: [Int32: String]
        /// Every broker in the spec.
        public var brokers: Set<Int32>
        public var kafka: KafkaView
        /// Alerts labelled `rollingupgrade` firing now.
        public var firingAlerts: Int
        /// A Cruise Control task runs on the cluster.
        public var gracefulTaskUnderWay: Bool
        public var failureThreshold: Int
        public var concurrentPerRack: Int
        /// Milliseconds since the epoch.
        public var now: Int64
        /// How long a pause may last before a Warning says it is long.
        public var pauseLimitMilliseconds: Int64

        public init(
            outdated: Set<Int32>, unavailable: Set<Int32> = [], racks: [Int32: String] = [:],
            brokers: Set<Int32>, kafka: KafkaView = .unwatched, firingAlerts: Int = 0,
            gracefulTaskUnderWay: Bool = false, failureThreshold: Int = 1, concurrentPerRack: Int = 1,
            now: Int64, pauseLimitMilliseconds: Int64 = 600_000
        ) {
            self.outdated = outdated
            self.unavailable = unavailable
            self.racks = racks
            self.brokers = brokers
            self.kafka = kafka
            self.firingAlerts = firingAlerts
            self.gracefulTaskUnderWay = gracefulTaskUnderWay
            self.failureThreshold = failureThreshold
            self.concurrentPerRack = concurrentPerRack
            self.now = now
            self.pauseLimitMilliseconds = pauseLimitMilliseconds
        }
    }

    /// Why the upgrade waits. `code` is stable across passes (it names the pause in the status
    /// and its Event); the description carries the details.
    public enum PauseReason: Equatable, Sendable, CustomStringConvertible {
        /// The brokers restarted last are not back yet: the normal wait between brokers.
        case restartedBrokersNotBack(notReady: [Int32], outOfSync: [Int32])
        case gracefulTaskUnderWay
        case brokersUnavailable([Int32])
        case kafkaUnreadable(String)
        case offlinePartitions(Int)
        case replicasOutOfSync([Int32])
        case failureThreshold(errorCount: Int, threshold: Int, alerts: Int)

        public var code: String {
            switch self {
            case .restartedBrokersNotBack: "RestartedBrokersNotBack"
            case .gracefulTaskUnderWay: "CruiseControlTaskUnderWay"
            case .brokersUnavailable: "BrokersUnavailable"
            case .kafkaUnreadable: "KafkaUnreadable"
            case .offlinePartitions: "OfflinePartitions"
            case .replicasOutOfSync: "ReplicasOutOfSync"
            case .failureThreshold: "FailureThresholdReached"
            }
        }

        /// Waiting for the brokers just restarted is part of the upgrade, not a pause to warn
        /// about, until it lasts too long.
        public var isExpected: Bool { if case .restartedBrokersNotBack = self { true } else { false } }

        public var description: String {
            func list(_ ids: [Int32]) -> String { ids.map(String.init).joined(separator: ", ") }
            switch self {
            case .restartedBrokersNotBack(let notReady, let outOfSync):
                var parts: [String] = []
                if !notReady.isEmpty { parts.append("broker \(list(notReady)) not Ready") }
                if !outOfSync.isEmpty { parts.append("broker \(list(outOfSync)) not back in every ISR") }
                return "waiting for the restarted brokers: " + parts.joined(separator: "; ")
            case .gracefulTaskUnderWay:
                return "a Cruise Control task runs on the cluster; brokers restart once it is finished"
            case .brokersUnavailable(let ids):
                return "broker \(list(ids)) has no Ready pod"
            case .kafkaUnreadable(let reason):
                return "Kafka's metadata could not be read: \(reason.prefix(256))"
            case .offlinePartitions(let count):
                return "\(count) partitions are offline"
            case .replicasOutOfSync(let ids):
                return "broker \(list(ids)) holds replicas out of sync"
            case .failureThreshold(let errors, let threshold, let alerts):
                return
                    "the error count \(errors) (\(alerts) firing rollingupgrade alerts) is not below the failure threshold \(threshold)"
            }
        }
    }

    public enum Step: Equatable, Sendable {
        /// Nothing to restart.
        case idle
        /// Replace these brokers' pods now.
        case restart([Int32])
        case wait(PauseReason)
    }

    /// What the reconciler tells people about this pass.
    public enum Announcement: Equatable, Sendable {
        case started(brokers: [Int32])
        case restarting([Int32])
        case paused(PauseReason)
        /// The pause has lasted `milliseconds`, past the limit.
        case pausedTooLong(PauseReason, milliseconds: Int64)
        case resumed(afterMilliseconds: Int64, reason: String)
        case finished
    }

    public private(set) var status: RollingUpgradeStatus
    public private(set) var announcements: [Announcement] = []
    /// Whether an upgrade is under way after this step: brokers left to restart or not back.
    public private(set) var isActive = false

    public init(status: RollingUpgradeStatus?) {
        self.status = status ?? RollingUpgradeStatus()
    }

    public mutating func next(_ observed: Observation) -> Step {
        announcements = []
        let wasActive = status.restarting != nil || status.pauseReason != nil
        let errors = errorCount(observed)
        status.errorCount = errors

        // The last batch first: it must be back before anything else happens.
        if let batch = status.restarting, !batch.isEmpty {
            let notReady = batch.filter {
                observed.unavailable.contains($0) || observed.outdated.contains($0)
            }
            var outOfSync: [Int32] = []
            if case .known(let health) = observed.kafka {
                outOfSync = batch.filter { health.outOfSyncBrokers.contains($0) }
            }
            if case .unreadable(let reason) = observed.kafka {
                return pause(.kafkaUnreadable(reason), observed)
            }
            guard notReady.isEmpty, outOfSync.isEmpty else {
                return pause(.restartedBrokersNotBack(notReady: notReady, outOfSync: outOfSync), observed)
            }
            status.restarting = nil
            status.lastSuccess = UTCTimestamp.format(milliseconds: observed.now)
        }

        guard !observed.outdated.isEmpty else {
            isActive = false
            if wasActive { announcements.append(.finished) }
            clearPause(observed, announce: false)
            return .idle
        }
        isActive = true
        if !wasActive { announcements.append(.started(brokers: observed.outdated.sorted())) }

        if let reason = gateClosed(observed, errors: errors) { return pause(reason, observed) }

        let batch = Self.batch(observed)
        clearPause(observed, announce: true)
        status.restarting = batch
        announcements.append(.restarting(batch))
        return .restart(batch)
    }

    /// Failing checks plus firing alerts, as Koperator counts them.
    private func errorCount(_ observed: Observation) -> Int {
        let failing: Int
        switch observed.kafka {
        case .known(let health): failing = health.outOfSyncBrokers.count
        case .unreadable: failing = 1
        case .unwatched: failing = 0
        }
        return failing + observed.firingAlerts
    }

    private func gateClosed(_ observed: Observation, errors: Int) -> PauseReason? {
        if observed.gracefulTaskUnderWay { return .gracefulTaskUnderWay }
        if !observed.unavailable.isEmpty { return .brokersUnavailable(observed.unavailable.sorted()) }
        switch observed.kafka {
        case .unreadable(let reason): return .kafkaUnreadable(reason)
        case .known(let health):
            if health.offlinePartitions > 0 { return .offlinePartitions(health.offlinePartitions) }
            if !health.outOfSyncBrokers.isEmpty {
                return .replicasOutOfSync(health.outOfSyncBrokers.sorted())
            }
        case .unwatched: break
        }
        if errors >= observed.failureThreshold {
            return .failureThreshold(
                errorCount: errors, threshold: observed.failureThreshold, alerts: observed.firingAlerts)
        }
        return nil
    }

    /// The next brokers to restart: the lowest id that is not the controller, with up to
    /// `concurrentPerRack - 1` more of its rack when every broker names its rack; the
    /// controller only when it is the last one left.
    static func batch(_ observed: Observation) -> [Int32] {
        var controller: Int32?
        if case .known(let health) = observed.kafka { controller = health.controller }
        let candidates = observed.outdated.sorted().filter { $0 != controller }
        guard let first = candidates.first else { return observed.outdated.sorted().prefix(1).map { $0 } }
        let racksKnown = observed.brokers.allSatisfy { observed.racks[$0] != nil }
        guard racksKnown, observed.concurrentPerRack > 1, let rack = observed.racks[first] else {
            return [first]
        }
        return Array(candidates.filter { observed.racks[$0] == rack }.prefix(observed.concurrentPerRack))
    }

    private mutating func pause(_ reason: PauseReason, _ observed: Observation) -> Step {
        let since = status.pausedSince.flatMap(UTCTimestamp.milliseconds(of:))
        if status.pauseReason != reason.code || since == nil {
            status.pauseReason = reason.code
            status.pausedSince = UTCTimestamp.format(milliseconds: observed.now)
            status.pauseReported = nil
            if !reason.isExpected { announcements.append(.paused(reason)) }
        } else if let since, observed.now - since >= observed.pauseLimitMilliseconds,
            status.pauseReported != true
        {
            status.pauseReported = true
            announcements.append(.pausedTooLong(reason, milliseconds: observed.now - since))
        }
        isActive = true
        return .wait(reason)
    }

    private mutating func clearPause(_ observed: Observation, announce: Bool) {
        defer {
            status.pauseReason = nil
            status.pausedSince = nil
            status.pauseReported = nil
        }
        guard announce, let code = status.pauseReason, code != "RestartedBrokersNotBack",
            let since = status.pausedSince.flatMap(UTCTimestamp.milliseconds(of:))
        else { return }
        announcements.append(.resumed(afterMilliseconds: observed.now - since, reason: code))
    }
}
