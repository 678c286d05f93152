import ClusterModel
import CruiseControl
import JSON
import Kubernetes
import Logging

/// The graceful step of a reconcile pass for a cluster with Cruise Control: moves data onto
/// brokers that came and off brokers that leave, one Cruise Control task at a time, each
/// recorded in a CruiseControlOperation owned by the cluster before it is sent.
///
/// Per broker, `gracefulActionState` says where it stands (Koperator's words):
/// `GracefulUpscaleRequired → Running → Succeeded` for a broker added to a running cluster (its
/// `add_broker` starts once its pod is Ready), `GracefulDownscaleRequired → Running → Succeeded`
/// for one leaving (its `remove_broker` drains it; its pod and disks go only after that, and
/// after Metadata confirms it holds nothing). `cruiseControlOperationReference` names the
/// object of the broker's task.
///
/// Which task runs next follows Koperator's priority (add before remove); while one is not
/// finished no other starts. Every step is taken again from what is stored, so an operator
/// killed anywhere resumes: an object without a task id is matched against the tasks Cruise
/// Control lists before anything is sent again.
struct GracefulOperations {
    struct Outcome {
        /// Leaving brokers whose removal task completed: their data has moved, unless
        /// Metadata says otherwise.
        var removed: Set<Int32> = []
        /// Broker id → the graceful state this pass leaves (nil: none).
        var brokerStates: [Int32: GracefulActionState?] = [:]
        /// How soon to look again at a task still running or waiting to be retried.
        var requeueAfter: Duration?
        /// The cluster's pending rebalance has its CruiseControlOperation: the request can go.
        var rebalanceTakenUp = false
        /// A task is under way after this pass: a rolling upgrade waits for it.
        var taskUnderWay = false
        var writes = 0
        var eventsRecorded = 0
        /// A task was stopped this pass: its moves in flight still run, so none starts.
        var stopped = false
    }

    /// What the reconcile pass knows of the cluster's brokers.
    struct Brokers {
        /// In the spec.
        var staying: Set<Int32>
        /// Of those, the ones whose pod is Ready.
        var ready: Set<Int32>
        /// Not in the spec, with objects or a status entry left.
        var leaving: Set<Int32>
        /// Staying broker → mount paths of its disks that left the spec but whose claims remain.
        var removedDisks: [Int32: Set<String>] = [:]

        /// A rolling upgrade is under way: no new task starts (one under way is still driven).
        var holdNewTasks = false

        /// The log directories of `removedDisks`, as Cruise Control names them.
        var removedLogDirs: [Int32: Set<String>] {
            removedDisks.mapValues { Set($0.map(ServerProperties.logDir(mountPath:))) }
        }
    }

    let api: any KubernetesAPI
    let client: any CruiseControlClient
    let cluster: KafkaCluster
    let uid: String
    let events: EventRecorder
    let metrics: GracefulMetrics
    let polling: PollingInterval
    let now: @Sendable () -> Int64
    let logger: Logger

    private var namespace: String { cluster.metadata.namespace ?? "" }
    private var key: String { "\(namespace)/\(cluster.metadata.name)" }

    func advance(_ brokers: Brokers) async throws(ReconcileError) -> Outcome {
        var outcome = Outcome()
        var states = Self.states(of: cluster)
        let known = cluster.status?.brokersState ?? [:]
        // A broker added to a cluster that already ran takes load through add_broker.
        if !known.isEmpty {
            for id in brokers.staying where known[String(id)] == nil {
                states[id] = GracefulActionState(cruiseControlState: .upscaleRequired)
            }
        }
        // A disk out of the spec has its data moved off before it goes.
        for (id, mountPaths) in brokers.removedDisks where states[id] != nil {
            var graceful = states[id].flatMap { $0 } ?? GracefulActionState()
            for mountPath in mountPaths.sorted() {
                let state = graceful.volumeState(mountPath)
                if state?.isRemovalUnderWay != true, state != .diskRemovalSucceeded {
                    graceful.setVolume(mountPath, state: .diskRemovalRequired)
                }
            }
            states[id] = graceful
        }

        let listed = try await listOperations()
        // An object a person deleted while its task ran: the task is stopped before it goes.
        var stopping = false
        for operation in listed where operation.metadata.deletionTimestamp != nil {
            if try await finalize(operation, outcome: &outcome) { stopping = true }
        }
        var operations: [CruiseControlOperation] = []
        for operation in listed where operation.metadata.deletionTimestamp == nil {
            operations.append(try await holdingFinalizer(operation, outcome: &outcome))
        }
        var tasks = operations.compactMap { operation in
            Self.intent(of: operation).map {
                GracefulTask(name: operation.name, intent: $0, operation: operation)
            }
        }
        func wanted(_ task: GracefulTask) -> Bool { Self.isWanted(task.intent, brokers: brokers) }
        let recorded = Set(
            listed.compactMap { operation in
                Self.intent(of: operation).map {
                    GracefulTask(name: operation.name, intent: $0, operation: operation).recordedTaskIDs
                }
            }.flatMap { $0 })

        // Drive the task under way, if one is (a paused one waits aside).
        func underWay(_ task: GracefulTask) -> Bool {
            !task.isFinished(wanted: wanted(task)) && !(task.isPaused && !isRunning(task))
        }
        func isRunning(_ task: GracefulTask) -> Bool { if case .running = task.phase { true } else { false } }
        if let index = tasks.firstIndex(where: underWay) {
            let before = tasks[index]
            try await drive(
                &tasks[index], wanted: wanted(tasks[index]), recorded: recorded, outcome: &outcome)
            if tasks[index] != before, let stored = operations.first(where: { $0.name == tasks[index].name })
            {
                try await writeStatus(tasks[index], of: stored, outcome: &outcome)
            }
        }

        // A requested rebalance is taken up once an object names it.
        let pending = cluster.status?.pendingRebalance
        if let pending, operations.contains(where: { Self.requestedAt($0) == pending.requestedAt }) {
            outcome.rebalanceTakenUp = true
        }

        // Start the next task when none is under way (nor one being stopped), and no rolling
        // upgrade is.
        if !brokers.holdNewTasks, !stopping, !outcome.stopped, !tasks.contains(where: underWay),
            let intent = Self.nextIntent(states: states, brokers: brokers)
                ?? (outcome.rebalanceTakenUp ? nil : pending.map(Self.rebalanceIntent))
        {
            let requested =
                intent.operation == .rebalance && !intent.rebalanceDisk ? pending?.requestedAt : nil
            let created = try await createOperation(for: intent, requestedAt: requested, outcome: &outcome)
            if requested != nil { outcome.rebalanceTakenUp = true }
            operations.append(created)
            var task = GracefulTask(name: created.name, intent: intent, operation: created)
            for id in intent.brokers {
                var graceful = states[id].flatMap { $0 } ?? GracefulActionState()
                switch intent.operation {
                case .rebalance:
                    guard intent.rebalanceDisk else { continue }
                    for volume in graceful.volumes(in: .diskRebalanceRequired) {
                        graceful.setVolume(volume, state: .diskRebalanceRunning, operation: created.name)
                    }
                case .removeDisks:
                    for volume in graceful.volumes(in: .diskRemovalRequired) {
                        graceful.setVolume(volume, state: .diskRemovalScheduled, operation: created.name)
                    }
                case .addBroker, .removeBroker:
                    graceful.cruiseControlState =
                        intent.operation == .addBroker ? .upscaleScheduled : .downscaleScheduled
                    graceful.setOperation(created.name)
                    graceful.errorMessage = nil
                }
                states[id] = graceful
            }
            try await drive(&task, wanted: true, recorded: recorded, outcome: &outcome)
            try await writeStatus(task, of: created, outcome: &outcome)
            tasks.append(task)
        }

        states = Self.follow(states, tasks: tasks, brokers: brokers)
        try await deleteExpired(tasks, wanted: wanted, outcome: &outcome)
        for (id, state) in states where brokers.leaving.contains(id) {
            if state?.cruiseControlState == .downscaleSucceeded { outcome.removed.insert(id) }
        }
        outcome.brokerStates = states
        outcome.taskUnderWay = tasks.contains(where: underWay)
        return outcome
    }

    // MARK: - One task

    /// Takes the task one step: sends it, follows it, retries it, or stops it.
    private func drive(
        _ task: inout GracefulTask, wanted: Bool, recorded: Set<String>, outcome: inout Outcome
    )
        async throws(ReconcileError)
    {
        let now = now()
        if let transition = task.retryIfDue(now: now) {
            await announce(transition, of: task, outcome: &outcome)
        }
        switch task.phase {
        case .unsent:
            guard wanted else { return }
            await send(&task, recorded: recorded, now: now, outcome: &outcome)
        case .running(let id):
            let listed: UserTaskInfo?
            do {
                listed = try await client.userTask(id, fetchCompletedTask: true)
            } catch {
                await unreachable(error, task: task, outcome: &outcome)
                return
            }
            if !wanted, let listed, !listed.status.isFinished {
                await stop(&task, reason: Self.undoneReason(task.intent), now: now, outcome: &outcome)
                return
            }
            if let transition = task.observed(listed, now: now) {
                await announce(transition, of: task, outcome: &outcome)
            }
            if case .running = task.phase {
                let started = task.status.currentTask?.started.flatMap(UTCTimestamp.milliseconds(of:)) ?? now
                outcome.requeueAfter = polling.interval(elapsedMilliseconds: now - started)
            } else if wanted {
                Self.comeBack(forRetryOf: task, now: now, outcome: &outcome)
            }
        case .failed:
            if wanted { Self.comeBack(forRetryOf: task, now: now, outcome: &outcome) }
        case .completed:
            return
        }
    }

    /// Asks to come back when the failed task's next run is due, if it has one.
    private static func comeBack(forRetryOf task: GracefulTask, now: Int64, outcome: inout Outcome) {
        if let retryAt = task.retryAt { outcome.requeueAfter = .milliseconds(max(0, retryAt - now)) }
    }

    /// Sends the task, unless Cruise Control already lists one this request started (an
    /// answer lost to a crash or a broken connection): that one is adopted instead.
    private func send(_ task: inout GracefulTask, recorded: Set<String>, now: Int64, outcome: inout Outcome)
        async
    {
        do {
            // Only a task started after this run was recorded, and that no run of any object
            // records, can be the one whose answer was lost.
            // Cruise Control's clock and the API server's may differ by up to `clockSkew`.
            let since = max(
                task.createdAt - Self.clockSkewMilliseconds,
                task.status.failedTasks?.last?.finished.flatMap(UTCTimestamp.milliseconds(of:)) ?? 0)
            let listed = try await client.userTasks(ids: [], fetchCompletedTask: false)
            if let adopted = listed.filter({
                task.intent.matches($0) && !recorded.contains($0.id) && $0.startMs > since
            }).max(by: { $0.startMs < $1.startMs }) {
                await announce(
                    task.started(id: adopted.id, adopted: true, now: now), of: task, outcome: &outcome)
                outcome.requeueAfter = polling.interval(elapsedMilliseconds: 0)
                return
            }
            let answer: CruiseControlTaskAnswer<OptimizationResult>
            do {
                answer = try await client.submit(task.intent.request, userTaskID: nil, waitingUpTo: .zero)
            } catch {
                // Cruise Control's own refusal (it cannot make the proposal) is a failed run;
                // anything else may pass, and the task waits.
                guard let message = Self.refusal(error) else { throw error }
                await announce(task.refused(reason: message, now: now), of: task, outcome: &outcome)
                Self.comeBack(forRetryOf: task, now: now, outcome: &outcome)
                return
            }
            guard let id = answer.userTaskID else {
                throw CruiseControlClientError.malformedResponse(
                    call: task.intent.request.call, reason: "no User-Task-ID header")
            }
            await announce(task.started(id: id, adopted: false, now: now), of: task, outcome: &outcome)
            outcome.requeueAfter = polling.interval(elapsedMilliseconds: 0)
        } catch {
            await unreachable(error, task: task, outcome: &outcome)
        }
    }

    private func stop(_ task: inout GracefulTask, reason: String, now: Int64, outcome: inout Outcome) async {
        do {
            _ = try await client.stopProposalExecution()
        } catch {
            await unreachable(error, task: task, outcome: &outcome)
            return
        }
        await announce(task.stopped(reason: reason, now: now), of: task, outcome: &outcome)
        outcome.stopped = true
        outcome.requeueAfter = min(outcome.requeueAfter ?? polling.minimum, polling.minimum)
    }

    /// Cruise Control did not answer (or refused): nothing changes, the pass comes back.
    private func unreachable(_ error: any Error, task: GracefulTask, outcome: inout Outcome) async {
        logger.warning(
            "Cruise Control did not answer; the task waits",
            metadata: [
                "cluster": "\(key)", "operation": "\(task.name)", "task": "\(task.intent)",
                "error": "\(error)",
            ])
        outcome.eventsRecorded += await events.record(
            cruiseControlUnavailable: "\(error)", operation: task.name, now: now())
        outcome.requeueAfter = polling.maximum
    }

    private func announce(
        _ transition: GracefulTask.Transition, of task: GracefulTask, outcome: inout Outcome
    )
        async
    {
        metrics.record(transition, operation: task.intent.operation)
        logger.info(
            "Cruise Control task",
            metadata: [
                "cluster": "\(key)", "operation": "\(task.name)", "task": "\(task.intent)",
                "transition": "\(transition)",
            ])
        outcome.eventsRecorded += await events.record(transition, of: task)
    }

    // MARK: - Deletion

    /// Koperator's finalizer: an object whose task runs is not gone before the task is stopped.
    static let finalizer = "finalizer.cruisecontroloperations.kafka.banzaicloud.io"

    static let deletedReason = "its CruiseControlOperation was deleted"

    /// An object still to run or running holds the finalizer; a finished one lets it go, so it
    /// can be deleted (by its TTL or by hand) at once.
    private func holdingFinalizer(_ operation: CruiseControlOperation, outcome: inout Outcome)
        async throws(ReconcileError) -> CruiseControlOperation
    {
        guard let intent = Self.intent(of: operation) else { return operation }
        let task = GracefulTask(name: operation.name, intent: intent, operation: operation)
        let holds = (operation.metadata.finalizers ?? []).contains(Self.finalizer)
        let finished = task.phase == .completed || task.isFinished(wanted: true)
        guard holds == finished else { return operation }
        return try await setFinalizer(!finished, on: operation, outcome: &outcome)
    }

    /// Stops the task of an object being deleted, then lets the object go once Cruise Control
    /// says the execution ended. True while it has not (no other task may start meanwhile).
    private func finalize(_ operation: CruiseControlOperation, outcome: inout Outcome)
        async throws(ReconcileError) -> Bool
    {
        guard (operation.metadata.finalizers ?? []).contains(Self.finalizer) else { return false }
        guard let intent = Self.intent(of: operation) else {
            _ = try await setFinalizer(false, on: operation, outcome: &outcome)
            return false
        }
        var task = GracefulTask(name: operation.name, intent: intent, operation: operation)
        let running: Bool
        if case .running = task.phase { running = true } else { running = false }
        let stoppedByDeletion =
            task.status.currentTask?.errorMessage == "stopped: \(Self.deletedReason)"
        if let id = task.status.currentTask?.id, !id.isEmpty, running || stoppedByDeletion {
            let listed: UserTaskInfo?
            do {
                listed = try await client.userTask(id, fetchCompletedTask: false)
            } catch {
                await unreachable(error, task: task, outcome: &outcome)
                return true
            }
            if let listed, !listed.status.isFinished {
                if running {
                    let before = task
                    await stop(&task, reason: Self.deletedReason, now: now(), outcome: &outcome)
                    if task != before { try await writeStatus(task, of: operation, outcome: &outcome) }
                }
                outcome.requeueAfter = min(outcome.requeueAfter ?? polling.minimum, polling.minimum)
                return true
            }
        }
        _ = try await setFinalizer(false, on: operation, outcome: &outcome)
        return false
    }

    private func setFinalizer(_ held: Bool, on operation: CruiseControlOperation, outcome: inout Outcome)
        async throws(ReconcileError) -> CruiseControlOperation
    {
        var updated = operation
        let others = (operation.metadata.finalizers ?? []).filter { $0 != Self.finalizer }
        updated.metadata.finalizers = held ? others + [Self.finalizer] : (others.isEmpty ? nil : others)
        do {
            let written = try await api.update(updated)
            outcome.writes += 1
            return written
        } catch .notFound {
            return operation
        } catch {
            throw .api(
                error,
                during: "\(held ? "adding" : "removing") the finalizer of CruiseControlOperation "
                    + "\(namespace)/\(operation.name)")
        }
    }

    /// The cluster is gone or going, and Cruise Control with it: its objects' finalizers come
    /// off so the garbage collector can take them (as Koperator does). Best effort: a failure is
    /// tried again on the cluster's next event. Returns the writes made.
    static func releaseOperations(api: any KubernetesAPI, namespace: String, cluster: String) async -> Int {
        guard
            let list = try? await api.list(
                CruiseControlOperation.self, namespace: namespace,
                options: ListOptions(labelSelector: ResourceConventions.selector(cluster: cluster)))
        else { return 0 }
        var writes = 0
        for operation in list.items where (operation.metadata.finalizers ?? []).contains(finalizer) {
            var updated = operation
            let others = (operation.metadata.finalizers ?? []).filter { $0 != finalizer }
            updated.metadata.finalizers = others.isEmpty ? nil : others
            if (try? await api.update(updated)) != nil { writes += 1 }
        }
        return writes
    }

    // MARK: - Objects

    /// Deletes the objects whose `ttlSecondsAfterFinished` ran out; asks to come back for the
    /// next one due.
    private func deleteExpired(
        _ tasks: [GracefulTask], wanted: (GracefulTask) -> Bool, outcome: inout Outcome
    )
        async throws(ReconcileError)
    {
        let now = now()
        for task in tasks {
            guard let expiry = task.expiresAt(wanted: wanted(task)) else { continue }
            guard expiry <= now else {
                let wait = Duration.milliseconds(expiry - now)
                outcome.requeueAfter = min(outcome.requeueAfter ?? wait, wait)
                continue
            }
            do {
                try await api.delete(
                    CruiseControlOperation.resourceType, namespace: namespace, name: task.name,
                    options: DeleteOptions())
                outcome.writes += 1
            } catch .notFound {
                continue
            } catch {
                throw .api(error, during: "deleting CruiseControlOperation \(namespace)/\(task.name)")
            }
        }
    }

    /// The cluster's CruiseControlOperations, oldest first: the operator's, and those a person
    /// labelled for the cluster.
    private func listOperations() async throws(ReconcileError) -> [CruiseControlOperation] {
        do {
            let list = try await api.list(
                CruiseControlOperation.self, namespace: namespace,
                options: ListOptions(
                    labelSelector: ResourceConventions.selector(cluster: cluster.metadata.name)))
            return list.items.filter { operation in
                // Ours, or a person's (labelled for the cluster, owned by no one).
                let owners = operation.metadata.ownerReferences ?? []
                return owners.isEmpty || owners.contains { $0.uid == uid }
            }.sorted {
                ($0.metadata.creationTimestamp ?? "", $0.name) < (
                    $1.metadata.creationTimestamp ?? "", $1.name
                )
            }
        } catch {
            throw .api(error, during: "listing the CruiseControlOperations of KafkaCluster \(key)")
        }
    }

    /// Records the intent before anything is sent: the object is the durable record.
    private func createOperation(
        for intent: GracefulIntent, requestedAt request: String?, outcome: inout Outcome
    )
        async throws(ReconcileError) -> CruiseControlOperation
    {
        let suffix = String(UInt64(now()), radix: 36)
        let name = "\(cluster.metadata.name)-\(intent.operation.rawValue.replacing("_", with: "-"))-\(suffix)"
        var labels = [ResourceConventions.clusterLabel: cluster.metadata.name]
        labels[ResourceConventions.appLabel] = ResourceConventions.appValue
        var annotations = intent.annotations
        if let request { annotations[Self.requestedAtAnnotation] = request }
        var metadata = ObjectMeta(
            name: name, namespace: namespace, labels: labels, annotations: annotations,
            ownerReferences: [ResourceConventions.ownerReference(cluster: cluster.metadata.name, uid: uid)])
        metadata.finalizers = [Self.finalizer]
        let operation = CruiseControlOperation(
            metadata: metadata,
            spec: .init(
                errorPolicy: .retry,
                ttlSecondsAfterFinished: cluster.spec.cruiseControlConfig?.cruiseControlOperationSpec?
                    .ttlSecondsAfterFinished))
        do {
            let created = try await api.create(operation)
            outcome.writes += 1
            return created
        } catch {
            throw .api(error, during: "creating CruiseControlOperation \(namespace)/\(name) for \(intent)")
        }
    }

    private func writeStatus(_ task: GracefulTask, of stored: CruiseControlOperation, outcome: inout Outcome)
        async throws(ReconcileError)
    {
        var operation = stored
        operation.status = task.status
        do {
            _ = try await api.updateStatus(operation)
            outcome.writes += 1
        } catch {
            throw .api(
                error, during: "writing the status of CruiseControlOperation \(namespace)/\(stored.name)")
        }
    }

    // MARK: - Decisions

    /// Names, on a rebalance's object, the action API request it runs.
    static let requestedAtAnnotation = "kafka-operator.io/rebalance-requested-at"

    static func requestedAt(_ operation: CruiseControlOperation) -> String? {
        operation.metadata.annotations?[requestedAtAnnotation]
    }

    static func rebalanceIntent(_ pending: PendingRebalance) -> GracefulIntent {
        GracefulIntent(.rebalance, brokers: pending.destinations ?? [])
    }

    /// How far Cruise Control's clock may be ahead of the API server's when a lost task is
    /// matched to the object recorded before it was sent.
    static let clockSkewMilliseconds: Int64 = 60_000

    /// The brokers' and their disks' states as their tasks leave them: a restored broker
    /// loses its downscale state; a broker or disk whose object is gone needs a new task; the
    /// rest take their task's outcome (`brokerState(following:)`).
    static func follow(
        _ states: [Int32: GracefulActionState?], tasks: [GracefulTask], brokers: Brokers
    ) -> [Int32: GracefulActionState?] {
        var states = states
        let byName = Dictionary(tasks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (id, state) in states {
            guard var graceful = state else { continue }
            followVolumes(&graceful, byName: byName)
            followRemovedVolumes(&graceful, removed: brokers.removedDisks[id] ?? [], byName: byName)
            if brokers.staying.contains(id), graceful.cruiseControlState?.isDownscale == true {
                states[id] = .some(nil)
                continue
            }
            defer { states[id] = graceful }
            guard let current = graceful.cruiseControlState, current.isInFlight else { continue }
            let adding = current.isUpscale
            guard let name = graceful.operationName, let task = byName[name] else {
                // Its object was deleted by hand (its task is stopped): an added broker serves
                // without the load moved to it, as Koperator counts it; a leaving broker still
                // leaves, so its removal runs again under a new object.
                if adding {
                    graceful.cruiseControlState = .upscaleSucceeded
                    graceful.errorMessage = "stopped: \(GracefulOperations.deletedReason)"
                } else {
                    graceful.cruiseControlState = .downscaleRequired
                }
                continue
            }
            graceful.errorMessage = task.status.currentTask?.errorMessage
            graceful.cruiseControlState = brokerState(
                following: task, adding: adding, wanted: isWanted(task.intent, brokers: brokers))
            if task.phase == .completed { graceful.errorMessage = nil }
        }
        return states
    }

    /// A running disk rebalance's disks take its outcome; a disk whose object was deleted by hand
    /// counts as done (the task was stopped).
    private static func followVolumes(_ graceful: inout GracefulActionState, byName: [String: GracefulTask]) {
        for volume in graceful.volumes(in: .diskRebalanceRunning) {
            guard let name = graceful.volumeOperation(volume), let task = byName[name] else {
                // Its object was deleted by hand: the rebalance is stopped, and not run again.
                graceful.setVolume(
                    volume, state: .diskRebalanceSucceeded, errorMessage: "stopped: \(deletedReason)")
                continue
            }
            let error = task.status.currentTask?.errorMessage
            if task.phase == .completed {
                graceful.setVolume(volume, state: .diskRebalanceSucceeded, operation: name)
            } else if task.isFinished(wanted: true) {
                graceful.setVolume(
                    volume, state: .diskRebalanceSucceeded, operation: name, errorMessage: error)
            } else {
                graceful.setVolume(volume, state: .diskRebalanceRunning, operation: name, errorMessage: error)
            }
        }
    }

    /// A disk's removal takes its task's outcome: succeeded only once the task completed (never
    /// on a failure, whatever the error policy); completed with error or paused while a failed
    /// run waits; required again when its object is gone. A disk back in the spec, or whose claim
    /// is gone, is forgotten.
    private static func followRemovedVolumes(
        _ graceful: inout GracefulActionState, removed: Set<String>, byName: [String: GracefulTask]
    ) {
        for volume in (graceful.volumeStates ?? [:]).keys.sorted() {
            guard let state = graceful.volumeState(volume),
                state.isRemovalUnderWay || state == .diskRemovalSucceeded
            else { continue }
            guard removed.contains(volume) else {
                graceful.clearVolume(volume)
                continue
            }
            guard state != .diskRemovalRequired, state != .diskRemovalSucceeded else { continue }
            guard let name = graceful.volumeOperation(volume), let task = byName[name] else {
                graceful.setVolume(volume, state: .diskRemovalRequired)
                continue
            }
            let error = task.status.currentTask?.errorMessage
            let next: CruiseControlVolumeState
            switch task.phase {
            case .completed: next = .diskRemovalSucceeded
            case .failed: next = task.isPaused ? .diskRemovalPaused : .diskRemovalCompletedWithError
            case .unsent: next = .diskRemovalScheduled
            case .running: next = .diskRemovalRunning
            }
            graceful.setVolume(
                volume, state: next, operation: name,
                errorMessage: next == .diskRemovalSucceeded ? nil : error)
        }
    }

    /// A broker's state from its task's: succeeded once the task completed (or, for an add, once
    /// it failed under `ignore`: the broker serves without the load moved to it); paused while
    /// the object is paused; completed with error while a failed run waits to run again, or for
    /// good for a removal that failed under `ignore` (never deleted on a failure); scheduled while
    /// its object exists but Cruise Control has not accepted the run; else running.
    static func brokerState(following task: GracefulTask, adding: Bool, wanted: Bool)
        -> ClusterModel.CruiseControlState
    {
        if task.phase == .completed { return adding ? .upscaleSucceeded : .downscaleSucceeded }
        if case .failed = task.phase {
            if task.isPaused { return adding ? .upscalePaused : .downscalePaused }
            if adding, task.isFinished(wanted: wanted) { return .upscaleSucceeded }
            return adding ? .upscaleCompletedWithError : .downscaleCompletedWithError
        }
        if task.phase == .unsent { return adding ? .upscaleScheduled : .downscaleScheduled }
        return adding ? .upscaleRunning : .downscaleRunning
    }

    /// The brokers' graceful states as recorded.
    static func states(of cluster: KafkaCluster) -> [Int32: GracefulActionState?] {
        var states: [Int32: GracefulActionState?] = [:]
        for (key, state) in cluster.status?.brokersState ?? [:] {
            guard let id = Int32(key) else { continue }
            states[id] = .some(state.gracefulActionState)
        }
        return states
    }

    /// What an object is for: its annotations when the operator made it; for one made by hand,
    /// the operation its status names.
    static func intent(of operation: CruiseControlOperation) -> GracefulIntent? {
        if let intent = GracefulIntent(annotations: operation.metadata.annotations) { return intent }
        guard let task = operation.status?.currentTask,
            let kind = GracefulIntent.Operation(rawValue: task.operation)
        else { return nil }
        if kind == .removeDisks {
            return GracefulIntent(
                removingDisks: GracefulIntent.logDirs(task.parameters?["brokerid_and_logdirs"] ?? ""))
        }
        let brokers = GracefulIntent.brokerIDs(
            task.parameters?["brokerid"] ?? task.parameters?["destination_broker_ids"] ?? "")
        return GracefulIntent(
            kind, brokers: brokers, rebalanceDisk: task.parameters?["rebalance_disk"] == "true")
    }

    /// Whether the change a task serves still stands: an added broker is still in the spec, a
    /// removed one is still out of it.
    static func isWanted(_ intent: GracefulIntent, brokers: Brokers) -> Bool {
        switch intent.operation {
        case .addBroker: intent.brokers.allSatisfy(brokers.staying.contains)
        case .removeBroker: !intent.brokers.contains(where: brokers.staying.contains)
        case .removeDisks:
            intent.logDirs.allSatisfy { broker, dirs in
                brokers.removedLogDirs[broker].map { Set(dirs).isSubset(of: $0) } ?? false
            }
        case .rebalance: true
        }
    }

    /// The reason of a refusal that is Cruise Control's answer to the request itself (a 4xx, or
    /// a 500 carrying its error document); nil for an outage.
    static func refusal(_ error: CruiseControlClientError) -> String? {
        guard case .refused(_, let status, let message) = error, status != 503, status != 429,
            (400..<501).contains(status)
        else { return nil }
        return message
    }

    static func undoneReason(_ intent: GracefulIntent) -> String {
        switch intent.operation {
        case .addBroker: "broker \(intent.brokerList) left the spec before its data moved"
        case .removeBroker: "broker \(intent.brokerList) is back in the spec"
        case .removeDisks: "a disk of \(intent.logDirList) is back in the spec"
        case .rebalance: "its change was undone"
        }
    }

    /// The next task, in Koperator's priority: every Ready broker waiting for its add, else
    /// every leaving broker waiting for its removal, else every Ready broker's disks waiting to
    /// be emptied (`remove_disks`), else a disk rebalance for the Ready brokers with a new disk.
    static func nextIntent(states: [Int32: GracefulActionState?], brokers: Brokers) -> GracefulIntent? {
        func waiting(_ state: ClusterModel.CruiseControlState, among candidates: Set<Int32>) -> [Int32] {
            states.compactMap { id, graceful in
                graceful?.cruiseControlState == state && candidates.contains(id) ? id : nil
            }
        }
        let adding = waiting(.upscaleRequired, among: brokers.ready)
        if !adding.isEmpty { return GracefulIntent(.addBroker, brokers: adding) }
        let removing = waiting(.downscaleRequired, among: brokers.leaving)
        if !removing.isEmpty { return GracefulIntent(.removeBroker, brokers: removing) }
        var disks: [Int32: [String]] = [:]
        for (id, graceful) in states where brokers.ready.contains(id) {
            let volumes = graceful?.volumes(in: .diskRemovalRequired) ?? []
            if !volumes.isEmpty { disks[id] = volumes.map(ServerProperties.logDir(mountPath:)) }
        }
        if !disks.isEmpty { return GracefulIntent(removingDisks: disks) }
        let newDisks = states.compactMap { id, graceful in
            brokers.ready.contains(id) && graceful?.volumes(in: .diskRebalanceRequired).isEmpty == false
                ? id : nil
        }
        if !newDisks.isEmpty { return GracefulIntent(.rebalance, brokers: newDisks, rebalanceDisk: true) }
        return nil
    }
}

/// How often a running task is asked about: often at first, then less, so a long removal does
/// not flood Cruise Control.
public struct PollingInterval: Sendable {
    public var minimum: Duration
    public var maximum: Duration

    public init(minimum: Duration = .seconds(5), maximum: Duration = .seconds(30)) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
    }

    /// A tenth of the time the task has run, between the bounds: 5 s for the first 50 s, 30 s
    /// from five minutes on.
    func interval(elapsedMilliseconds: Int64) -> Duration {
        min(maximum, max(minimum, .milliseconds(max(0, elapsedMilliseconds) / 10)))
    }
}

extension ClusterModel.CruiseControlState {
    var isUpscale: Bool { rawValue.hasPrefix("GracefulUpscale") }
    var isDownscale: Bool { rawValue.hasPrefix("GracefulDownscale") }

    /// A task was started for the broker and has not succeeded.
    var isInFlight: Bool {
        [
            .upscaleScheduled, .upscaleRunning, .upscaleCompletedWithError, .upscalePaused,
            .downscaleScheduled, .downscaleRunning,
            .downscaleCompletedWithError, .downscalePaused,
        ].contains(self)
    }
}
