import CoreMetrics
import Synchronization

/// `cruise_control_tasks_total{operation,transition}` and
/// `cruise_control_task_duration_seconds{operation}`, with handles cached. Both label sets are
/// bounded: the operations and transitions are the operator's own words.
public final class GracefulMetrics: Sendable {
    private let counters = Mutex<[String: Counter]>([:])
    private let durations = Mutex<[String: Recorder]>([:])

    public init() {}

    func record(_ transition: GracefulTask.Transition, operation: GracefulIntent.Operation) {
        let (name, seconds): (String, Double?) =
            switch transition {
            case .started: ("started", nil)
            case .stateChanged(_, let to): (to == "InExecution" ? "executing" : "active", nil)
            case .completed(let seconds): ("completed", seconds)
            case .failed(_, let seconds): ("failed", seconds)
            case .retried: ("retried", nil)
            case .stopped: ("stopped", nil)
            }
        let key = "\(operation.rawValue) \(name)"
        counters.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = Counter(
                label: "cruise_control_tasks_total",
                dimensions: [("operation", operation.rawValue), ("transition", name)])
            cache[key] = counter
            return counter
        }.increment()
        guard let seconds else { return }
        durations.withLock { cache in
            if let recorder = cache[operation.rawValue] { return recorder }
            let recorder = Recorder(
                label: "cruise_control_task_duration_seconds",
                dimensions: [("operation", operation.rawValue)],
                aggregate: true)
            cache[operation.rawValue] = recorder
            return recorder
        }.record(seconds)
    }
}
