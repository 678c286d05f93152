import Foundation
import HTTPClient
import Kubernetes
import TestSupport

/// A retry clock whose sleeps return at once and move its time forward, recording each wait.
final class ManualRetryClock: Sendable {
    private let start = ContinuousClock.now
    private let state = LockedBox<(elapsed: Duration, sleeps: [Duration])>((.zero, []))

    var sleeps: [Duration] { state.get().sleeps }

    var clock: RetryClock {
        RetryClock(
            now: { [self] in start + state.get().elapsed },
            sleep: { [self] duration in
                state.update {
                    $0.elapsed += duration
                    $0.sleeps.append(duration)
                }
            })
    }
}
