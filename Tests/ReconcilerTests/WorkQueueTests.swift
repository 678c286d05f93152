import Testing

@testable import Reconciler

@Suite struct WorkQueueTests {
    @Test func keysAddedTwiceWhileWaitingAreQueuedOnce() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        await queue.add("b")
        await queue.add("a")
        #expect(await queue.count == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        #expect(await queue.count == 0)
    }

    @Test func aKeyBeingProcessedIsNotHandedOutAgainUntilDone() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        #expect(await queue.next() == "a")
        await queue.add("a")
        await queue.add("a")
        #expect(await queue.count == 0)
        await queue.done("a")
        #expect(await queue.count == 1)
        #expect(await queue.next() == "a")
        await queue.done("a")
        #expect(await queue.count == 0)
    }

    @Test func aWaitingWorkerIsWokenByAnAddAndByShutdown() async {
        let queue = WorkQueue<String>()
        async let first = queue.next()
        async let second = queue.next()
        // Both wait (nothing queued); one add wakes exactly one of them.
        while await queue.waiting < 2 { await Task.yield() }
        await queue.add("x")
        await queue.shutDown()
        let results = await [first, second]
        #expect(results.compactMap { $0 } == ["x"])
        #expect(await queue.next() == nil)
    }

    @Test func aDelayedAddArrivesAfterItsDelay() async {
        let queue = WorkQueue<String>()
        let start = ContinuousClock.now
        await queue.add("later", after: .milliseconds(30))
        #expect(await queue.next() == "later")
        #expect(ContinuousClock.now - start >= .milliseconds(30))
    }

    /// Every pass of a cluster with a Cruise Control task asks to come back; one timer waits per
    /// key, the earliest, so passes that events bring in between add no second poll.
    @Test func delayedAddsOfOneKeyKeepOnlyTheEarliest() async {
        let queue = WorkQueue<String>()
        await queue.add("k", after: .seconds(60))
        await queue.add("k", after: .seconds(90))
        await queue.add("j", after: .seconds(60))
        #expect(await queue.delayedCount == 2)
        // Sooner replaces later: k arrives after 20 ms, not after a minute.
        await queue.add("k", after: .milliseconds(20))
        #expect(await queue.delayedCount == 2)
        #expect(await queue.next() == "k")
        #expect(await queue.delayedCount == 1)
        await queue.done("k")
        await queue.add("k", after: .seconds(60))
        #expect(await queue.delayedCount == 2)
        await queue.shutDown()
        #expect(await queue.delayedCount == 0)
    }

    @Test func cancellingAWaitingWorkerReturnsNil() async {
        let queue = WorkQueue<String>()
        let worker = Task { await queue.next() }
        while await queue.waiting < 1 { await Task.yield() }
        worker.cancel()
        #expect(await worker.value == nil)
    }

    @Test func failuresBackOffDoublingUpToTheBoundAndResetOnSuccess() async {
        let queue = WorkQueue<String>(initialBackoff: .milliseconds(100), maximumBackoff: .seconds(1))
        var delays: [Duration] = []
        for _ in 0..<6 { delays.append(await queue.failed("k")) }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ])
        await queue.succeeded("k")
        #expect(await queue.failed("k") == .milliseconds(100))
    }
}
