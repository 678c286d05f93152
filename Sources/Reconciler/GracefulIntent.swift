import CruiseControl
import Kubernetes

/// What one of the operator's Cruise Control tasks is for: the operation and the brokers it
/// concerns. It is written on the CruiseControlOperation when the object is created, before the
/// task is sent, so a restarted operator knows what an object without a task id was about.
public struct GracefulIntent: Equatable, Hashable, Sendable, CustomStringConvertible {
    public enum Operation: String, Sendable, CaseIterable {
        case addBroker = "add_broker"
        case removeBroker = "remove_broker"
        case removeDisks = "remove_disks"
        case rebalance

        /// Koperator's priority: a new broker takes load before a leaving one sheds it.
        var priority: Int {
            switch self {
            case .addBroker: 0
            case .removeBroker: 1
            case .removeDisks: 2
            case .rebalance: 3
            }
        }
    }

    public var operation: Operation
    /// Sorted, without repeats.
    public var brokers: [Int32]
    /// A `rebalance` between each broker's disks (`rebalance_disk=true`) rather than between
    /// brokers: after a disk was added to `brokers`.
    public var rebalanceDisk: Bool
    /// For `remove_disks`: broker id → the log directories to empty, each sorted.
    public var logDirs: [Int32: [String]]

    public init(_ operation: Operation, brokers: [Int32], rebalanceDisk: Bool = false) {
        self.operation = operation
        self.brokers = Array(Set(brokers)).sorted()
        self.rebalanceDisk = operation == .rebalance && rebalanceDisk
        self.logDirs = [:]
    }

    /// A `remove_disks` task emptying `logDirs` (broker id → log directories).
    public init(removingDisks logDirs: [Int32: [String]]) {
        let logDirs = logDirs.filter { !$0.value.isEmpty }
        self.init(.removeDisks, brokers: Array(logDirs.keys))
        self.logDirs = logDirs.mapValues { Array(Set($0)).sorted() }
    }

    public var description: String {
        if operation == .removeDisks { return "remove_disks for \(logDirList)" }
        let what = rebalanceDisk ? "disk rebalance" : operation.rawValue
        return brokers.isEmpty ? what : "\(what) for broker \(brokerList)"
    }

    /// `1-/kafka-logs-2/kafka,...`, as `brokerid_and_logdirs` carries it.
    var logDirList: String {
        logDirs.keys.sorted().flatMap { broker in logDirs[broker, default: []].map { "\(broker)-\($0)" } }
            .joined(separator: ",")
    }

    /// `1-/a,2-/b` → [1: ["/a"], 2: ["/b"]]; an entry that is not `id-directory` is left out.
    static func logDirs(_ list: String) -> [Int32: [String]] {
        var dirs: [Int32: [String]] = [:]
        for entry in list.split(separator: ",") {
            let parts = entry.split(separator: "-", maxSplits: 1)
            guard parts.count == 2, let broker = Int32(parts[0]), !parts[1].isEmpty else { continue }
            dirs[broker, default: []].append(String(parts[1]))
        }
        return dirs
    }

    var brokerList: String { brokers.map(String.init).joined(separator: ",") }

    /// The request that starts the task (never a dry run).
    public var request: CruiseControlRequest {
        switch operation {
        case .addBroker: .addBroker(brokers, dryRun: false)
        case .removeBroker: .removeBroker(brokers, dryRun: false)
        case .removeDisks: .removeDisks(logDirs, dryRun: false)
        case .rebalance:
            rebalanceDisk
                ? .rebalance(dryRun: false, rebalanceDisk: true)
                : .rebalance(dryRun: false, destinations: brokers.isEmpty ? nil : brokers)
        }
    }

    /// A run of the task not sent yet, as the object's `currentTask` records it.
    var newRun: CruiseControlOperation.Task {
        CruiseControlOperation.Task(operation: operation.rawValue, parameters: parameters)
    }

    /// The parameters recorded in the object's `currentTask`.
    var parameters: [String: String] {
        Dictionary(
            request.parameters.filter { $0.name != "json" }.map { ($0.name, $0.value) },
            uniquingKeysWith: { _, last in last })
    }

    /// Whether a task Cruise Control lists was started by this request: same endpoint, same
    /// brokers, not a dry run. How a restarted operator finds a task it sent but never recorded.
    public func matches(_ task: UserTaskInfo) -> Bool {
        guard let sent = task.request, sent.endpoint == request.endpoint,
            sent.value("dryrun")?.lowercased() == "false",
            (sent.value("rebalance_disk")?.lowercased() == "true") == rebalanceDisk
        else { return false }
        // A disk rebalance names no broker: every broker's disks are balanced.
        if rebalanceDisk { return true }
        if operation == .removeDisks {
            return Self.logDirs(sent.value("brokerid_and_logdirs") ?? "").mapValues { Set($0) }
                == logDirs.mapValues { Set($0) }
        }
        let name = operation == .rebalance ? "destination_broker_ids" : "brokerid"
        let named = Self.brokerIDs(sent.value(name) ?? "")
        return Set(named) == Set(brokers)
    }

    // MARK: - On the object

    static let operationAnnotation = "kafka-operator.io/cruise-control-operation"
    static let brokersAnnotation = "kafka-operator.io/cruise-control-brokers"
    static let rebalanceDiskAnnotation = "kafka-operator.io/cruise-control-rebalance-disk"
    static let logDirsAnnotation = "kafka-operator.io/cruise-control-logdirs"

    /// The intent an object of ours was created for; nil for one a person created without it.
    init?(annotations: [String: String]?) {
        guard let raw = annotations?[Self.operationAnnotation], let operation = Operation(rawValue: raw)
        else {
            return nil
        }
        if operation == .removeDisks {
            self.init(removingDisks: Self.logDirs(annotations?[Self.logDirsAnnotation] ?? ""))
            return
        }
        let brokers = Self.brokerIDs(annotations?[Self.brokersAnnotation] ?? "")
        self.init(
            operation, brokers: brokers, rebalanceDisk: annotations?[Self.rebalanceDiskAnnotation] == "true")
    }

    /// `1,2` → [1, 2]; what is not an id is left out.
    static func brokerIDs(_ list: String) -> [Int32] { list.split(separator: ",").compactMap { Int32($0) } }

    var annotations: [String: String] {
        var annotations = [Self.operationAnnotation: operation.rawValue, Self.brokersAnnotation: brokerList]
        if rebalanceDisk { annotations[Self.rebalanceDiskAnnotation] = "true" }
        if operation == .removeDisks { annotations[Self.logDirsAnnotation] = logDirList }
        return annotations
    }
}
