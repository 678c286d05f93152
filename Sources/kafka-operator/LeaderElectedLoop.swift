import CoreMetrics
import Reconciler
import ServiceLifecycle

/// The reconcile loops (KafkaClusters, KafkaTopics, KafkaUsers) run only while this replica holds the
/// Lease; every replica serves HTTP regardless. Graceful shutdown ends the campaign: a leader finishes its reconcile, then hands
/// the Lease back so another replica takes over at once.
struct LeaderElectedLoop: Service {
    let elector: LeaderElector
    let loops: [any Service]

    func run() async throws {
        let loops = self.loops
        await cancelWhenGracefulShutdown {
            await elector.run {
                await withDiscardingTaskGroup { group in
                    for loop in loops { group.addTask { try? await loop.run() } }
                }
            }
        }
    }

    /// `operator_leader` (1 while leading) and `operator_leader_transitions_total` (terms won).
    static func recordMetrics() -> @Sendable (Bool) -> Void {
        let leading = Gauge(label: "operator_leader")
        let transitions = Counter(label: "operator_leader_transitions_total")
        leading.record(0)
        return { isLeader in
            leading.record(isLeader ? 1 : 0)
            if isLeader { transitions.increment() }
        }
    }
}
