import HTTPServer
import JSON

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Cruise Control's REST API over the simulated cluster, under `/kafkacruisecontrol/`.
///
/// As in Cruise Control, a request to an asynchronous endpoint becomes a user task: the answer
/// is 202 with progress and a `User-Task-ID` header until the proposal is computed
/// (`Configuration.proposalComputation` of simulated time), and repeating the request (same
/// session cookie, or the `User-Task-ID` header) returns the task's answer once it has one.
/// Without `dryrun=false` nothing moves; with it the proposal is executed, one task at a time,
/// and the task is InExecution until the movements are done.
public actor CruiseControlSimulator {
    public struct Configuration: Sendable {
        /// Simulated time a proposal takes to compute; requests until then get 202.
        public var proposalComputationMilliseconds: Int64
        /// The goals reported (the planner's two, spelled as Cruise Control's).
        public var goals: [String]
        /// The version in the `Cruise-Control-Version` header (clients check it is ≥ 2.0.61).
        public var version: String
        /// Completed tasks kept for `user_tasks`.
        public var completedTaskRetention: Int

        public init(
            proposalComputationMilliseconds: Int64 = 200,
            goals: [String] = ["ReplicaDistributionGoal", "LeaderReplicaDistributionGoal"],
            version: String = "2.5.142", completedTaskRetention: Int = 100
        ) {
            self.proposalComputationMilliseconds = proposalComputationMilliseconds
            self.goals = goals
            self.version = version
            self.completedTaskRetention = completedTaskRetention
        }
    }

    public nonisolated let faults = CruiseControlFaults()
    public let simulation: ClusterSimulation
    private let clock: any SimulationClock
    private let configuration: Configuration
    private let reports = CruiseControlReports()
    private var tasks: [UserTask] = []
    private var recentlyRemoved: [Int32] = []
    private var nextSession = 0
    /// Requests received per endpoint since the start (refused ones included), so a benchmark
    /// can tell how hard a client polls.
    private var received: [CruiseControlEndpoint: Int] = [:]

    public init(
        simulation: ClusterSimulation, clock: any SimulationClock, configuration: Configuration = .init()
    ) {
        self.simulation = simulation
        self.clock = clock
        self.configuration = configuration
    }

    /// Forgets every user task and session, and the execution's remaining movements, as a
    /// restarted Cruise Control does; reassignments already in Kafka carry on.
    public func restart() async {
        tasks = []
        recentlyRemoved = []
        await simulation.abandonExecution()
    }

    /// How many requests each endpoint has received since the start, whatever the answer.
    public func requestCounts() -> [CruiseControlEndpoint: Int] { received }

    /// The routes, for an `HTTPServer`.
    public nonisolated func routes() -> Router {
        var router = Router()
        for endpoint in CruiseControlEndpoint.allCases {
            router.add(endpoint.method, "/kafkacruisecontrol/\(endpoint.rawValue)") { [self] request in
                await self.handle(request, endpoint)
            }
        }
        return router
    }

    // MARK: - Handling

    private func handle(_ http: HTTPRequest, _ endpoint: CruiseControlEndpoint) async -> HTTPResponse {
        received[endpoint, default: 0] += 1
        let request = CruiseControlRequest(method: http.method, endpoint: endpoint, query: http.query)
        let json = request.bool("json", default: false)
        if faults.takeUnavailable() {
            return respond(
                .serviceUnavailable,
                CruiseControlError(status: .serviceUnavailable, message: "Cruise Control is unavailable.")
                    .json,
                json: json)
        }
        var session = Self.cookie(http.headers, "JSESSIONID")
        var headers: HTTPHeaders = [:]
        if session == nil, endpoint.isAsync {
            nextSession += 1
            session = "\(clock.nowMilliseconds())-\(nextSession)"
            headers.add(name: "Set-Cookie", value: "JSESSIONID=\(session!); Path=/")
        }
        do throws(CruiseControlError) {
            try request.checkNames()
            guard endpoint.isAsync else {
                let body = try await answerNow(request)
                return respond(.ok, body, json: json, headers: headers)
            }
            let task = try await task(for: request, http: http, session: session ?? "")
            headers.add(name: "User-Task-ID", value: task.id)
            guard let response = task.response else {
                let elapsed = clock.nowMilliseconds() - task.startMs
                return respond(
                    .accepted,
                    CruiseControlReports.progress(operation: Self.operation(endpoint), elapsedMs: elapsed),
                    json: json, headers: headers)
            }
            return respond(response.status, response.body, json: json, headers: headers)
        } catch {
            return respond(error.status, error.json, json: json, headers: headers)
        }
    }

    private func respond(_ status: HTTPStatus, _ body: JSONValue, json: Bool, headers: HTTPHeaders = [:])
        -> HTTPResponse
    {
        var response = HTTPResponse(status: status, headers: headers, body: body.encoded())
        // Plain text (json=false) carries the same document: the simulator has no text renderings.
        response.headers.add(name: "Content-Type", value: json ? "application/json" : "text/plain")
        response.headers.add(name: "Cruise-Control-Version", value: configuration.version)
        return response
    }

    private static func cookie(_ headers: HTTPHeaders, _ name: String) -> String? {
        for field in headers.values(of: "Cookie") {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingPrefixSpaces == name { return String(parts[1]) }
            }
        }
        return nil
    }

    private static func operation(_ endpoint: CruiseControlEndpoint) -> String {
        switch endpoint {
        case .addBroker: "Add brokers"
        case .removeBroker: "Remove brokers"
        case .removeDisks: "Remove disks"
        case .rebalance: "Rebalance"
        case .proposals: "Get customized proposals"
        case .load: "Get broker stats"
        case .partitionLoad: "Get partition load"
        default: "Get state"
        }
    }

    // MARK: - User tasks

    /// The task this request continues, or a new one.
    private func task(for request: CruiseControlRequest, http: HTTPRequest, session: String)
        async throws(CruiseControlError) -> UserTask
    {
        if let id = http.headers["User-Task-ID"] {
            guard
                let index = tasks.firstIndex(where: { $0.id == id && $0.request.identity == request.identity }
                )
            else {
                throw .unknownUserTask(request.method, request.endpoint, id)
            }
            await refresh(index)
            return tasks[index]
        }
        if let index = tasks.lastIndex(where: {
            $0.session == session && $0.request.identity == request.identity
        }),
            tasks[index].status == .active
        {
            await refresh(index)
            return tasks[index]
        }
        let now = clock.nowMilliseconds()
        let delay = request.endpoint.computesProposal ? configuration.proposalComputationMilliseconds : 0
        tasks.append(
            UserTask(
                id: UUID().uuidString.lowercased(), endpoint: request.endpoint, request: request,
                clientIdentity: Self.host(http.remoteAddress), startMs: now, session: session,
                readyAt: now + delay))
        if request.endpoint.computesProposal, !request.bool("dryrun", default: true),
            await simulation.isExecuting()
        {
            // Refused at once, as Cruise Control's sanity check does, but still a task on record.
            let error = CruiseControlError.ongoingExecution(request.method, request.endpoint)
            tasks[tasks.count - 1].response = (error.status, error.json)
            tasks[tasks.count - 1].status = .completedWithError
            return tasks[tasks.count - 1]
        }
        await refresh(tasks.count - 1)
        trimCompleted()
        return tasks[tasks.count - 1]
    }

    private static func host(_ address: String) -> String {
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        return address.split(separator: ":").first.map(String.init) ?? address
    }

    /// Brings a task up to date: works out its answer when first seen (an execution it starts
    /// begins at `readyAt`, as Cruise Control starts one once the proposal is computed, however
    /// rarely the client asks), gives it once due, and follows its execution.
    private func refresh(_ index: Int) async {
        var task = tasks[index]
        if task.response == nil, task.prepared == nil {
            do throws(CruiseControlError) {
                let body = try await answer(task)
                task.prepared = (.ok, body.json, body.executing)
            } catch {
                task.prepared = (error.status, error.json, false)
            }
        }
        if task.response == nil, let prepared = task.prepared, clock.nowMilliseconds() >= task.readyAt {
            task.response = (prepared.status, prepared.body)
            task.status =
                prepared.status != .ok ? .completedWithError : prepared.executing ? .inExecution : .completed
            task.prepared = nil
        }
        if task.status == .inExecution, let finished = await simulation.finishedExecution(task.id) {
            task.status = finished.outcome == .completed ? .completed : .completedWithError
        }
        tasks[index] = task
    }

    private func refreshAll() async {
        for index in tasks.indices where tasks[index].status == .active || tasks[index].status == .inExecution
        {
            await refresh(index)
        }
    }

    private func trimCompleted() {
        let done = tasks.filter { $0.status == .completed || $0.status == .completedWithError }
        guard done.count > configuration.completedTaskRetention else { return }
        let drop = Set(done.prefix(done.count - configuration.completedTaskRetention).map(\.id))
        tasks.removeAll { drop.contains($0.id) }
    }

    // MARK: - Answers

    /// A synchronous endpoint's answer.
    private func answerNow(_ request: CruiseControlRequest) async throws(CruiseControlError) -> JSONValue {
        switch request.endpoint {
        case .kafkaClusterState:
            let cluster = await simulation.snapshot()
            return reports.kafkaClusterState(
                cluster, topicPattern: request.value("topic"),
                verbose: request.bool("verbose", default: false))
        case .userTasks:
            return await userTasks(request)
        default:
            let stopped = await simulation.stopExecution()
            _ = stopped
            var message = "Proposal execution stopped."
            if request.bool("force_stop", default: false) {
                message += " For replica reassignments force-stop is deprecated and acts as a graceful stop."
            }
            return .object([("version", .int(1)), ("message", .string(message))])
        }
    }

    private func userTasks(_ request: CruiseControlRequest) async -> JSONValue {
        await refreshAll()
        let ids = request.list("user_task_ids").map(Set.init)
        let types = request.list("types").map { Set($0.map { $0.uppercased() }) }
        let endpoints = request.list("endpoints").map { Set($0.map { $0.uppercased() }) }
        let clients = request.list("client_ids").map(Set.init)
        let entries = (try? request.int("entries")) ?? nil
        let fetch = request.bool("fetch_completed_task", default: false)
        let selected = tasks.filter { task in
            (ids?.contains(task.id) ?? true) && (types?.contains(task.status.typeName) ?? true)
                && (endpoints?.contains(task.endpoint.upperName) ?? true)
                && (clients?.contains(task.clientIdentity) ?? true)
        }
        let limited = entries.map { Array(selected.prefix($0)) } ?? selected
        return .object([
            ("userTasks", .array(limited.map { $0.json(fetchCompletedTask: fetch) })), ("version", .int(1)),
        ])
    }

    /// An asynchronous endpoint's answer, and whether it started an execution.
    private func answer(_ task: UserTask) async throws(CruiseControlError) -> (
        json: JSONValue, executing: Bool
    ) {
        let request = task.request
        let cluster = await simulation.snapshot()
        switch request.endpoint {
        case .state:
            return (await state(request, cluster), false)
        case .load:
            return (
                reports.brokerStats(
                    cluster, populateDiskInfo: request.bool("populate_disk_info", default: false)), false
            )
        case .partitionLoad:
            return (reports.partitionLoad(cluster, try partitionLoadQuery(request)), false)
        default:
            return try await optimize(task, cluster)
        }
    }

    private func state(_ request: CruiseControlRequest, _ cluster: SimulatedCluster) async -> JSONValue {
        let substates = request.list("substates").map { Set($0.map { $0.lowercased() }) }
        func wanted(_ name: String) -> Bool { substates?.contains(name) ?? true }
        var members: [(key: String, value: JSONValue)] = []
        if wanted("monitor") { members.append(("MonitorState", reports.monitorState(cluster))) }
        if wanted("executor") {
            let execution = await simulation.currentExecution()
            members.append(
                ("ExecutorState", reports.executorState(execution, recentlyRemoved: recentlyRemoved)))
        }
        if wanted("analyzer") {
            members.append(("AnalyzerState", reports.analyzerState(goals: configuration.goals)))
        }
        if wanted("anomaly_detector") {
            members.append(("AnomalyDetectorState", reports.anomalyDetectorState()))
        }
        members.append(("version", .int(1)))
        return .object(members)
    }

    private func partitionLoadQuery(_ request: CruiseControlRequest) throws(CruiseControlError)
        -> CruiseControlReports.PartitionLoadQuery
    {
        var query = CruiseControlReports.PartitionLoadQuery()
        if let resource = request.value("resource") {
            guard ["cpu", "networkInbound", "networkOutbound", "disk"].contains(resource) else {
                throw .badRequest(request.method, request.endpoint, "Unsupported resource \(resource)")
            }
            query.resource = resource
        }
        query.topicPattern = request.value("topic")
        query.brokers = try request.brokerIDs("brokerid")
        if let entries = try request.int("entries") { query.entries = max(1, entries) }
        if let text = request.value("partition") {
            let bounds = text.split(separator: "-").compactMap { Int32($0) }
            guard (1...2).contains(bounds.count), bounds.count == text.split(separator: "-").count,
                bounds[0] <= bounds[bounds.count - 1]
            else {
                throw .badRequest(request.method, request.endpoint, "Invalid partition \(text)")
            }
            query.partitions = bounds[0]...bounds[bounds.count - 1]
        }
        return query
    }

    private func optimize(_ task: UserTask, _ cluster: SimulatedCluster) async throws(CruiseControlError) -> (
        json: JSONValue, executing: Bool
    ) {
        let request = task.request
        let optimization = try await optimizationRequest(request)
        let planner: ReplicaPlanner
        do {
            planner = try ReplicaPlanner(excludedTopicsPattern: request.value("excluded_topics"))
        } catch {
            throw .badRequest(request.method, request.endpoint, "Invalid excluded_topics pattern")
        }
        let moves: [ReplicaMove]
        do {
            moves = try planner.plan(optimization, for: cluster)
        } catch {
            throw .processing(request.method, request.endpoint, error.description)
        }
        var newBrokers: Set<Int32> = []
        if case .addBrokers(let ids) = optimization { newBrokers = ids }
        let excluded = cluster.topics.filter { topic in
            guard let pattern = request.value("excluded_topics"), !pattern.isEmpty,
                let regex = try? Regex(pattern)
            else { return false }
            return (try? regex.wholeMatch(in: topic)) != nil
        }
        let isDisk: Bool
        switch optimization {
        case .rebalanceDisks, .removeDisks: isDisk = true
        default: isDisk = false
        }
        let result = reports.optimizationResult(
            cluster, moves: moves,
            goals: isDisk ? ["IntraBrokerDiskUsageDistributionGoal"] : configuration.goals,
            excludedTopics: excluded, newBrokers: newBrokers, verbose: request.bool("verbose", default: false)
        )
        let dryRun = request.endpoint == .proposals || request.bool("dryrun", default: true)
        guard !dryRun else { return (result, false) }
        if await simulation.isExecuting() { throw .ongoingExecution(request.method, request.endpoint) }
        let concurrency = try request.int("concurrent_partition_movements_per_broker") ?? 5
        let throttle = try request.int("replication_throttle").map(Double.init) ?? faults.throttle
        await simulation.startExecution(
            ProposalExecutor(
                taskID: task.id, moves: moves, concurrency: concurrency, bytesPerSecond: throttle,
                failAfterMoves: faults.takeExecutionFailure()),
            at: task.readyAt)
        switch optimization {
        case .removeBrokers(let ids, _): recentlyRemoved = Array(Set(recentlyRemoved).union(ids)).sorted()
        case .addBrokers(let ids): recentlyRemoved.removeAll { ids.contains($0) }
        default: break
        }
        return (result, true)
    }

    private func optimizationRequest(_ request: CruiseControlRequest) async throws(CruiseControlError)
        -> OptimizationRequest
    {
        let destinations = try request.brokerIDs("destination_broker_ids")
        switch request.endpoint {
        case .addBroker, .removeBroker:
            guard let ids = try request.brokerIDs("brokerid"), !ids.isEmpty else {
                throw .badRequest(request.method, request.endpoint, "Missing required parameter brokerid")
            }
            return request.endpoint == .addBroker
                ? .addBrokers(ids) : .removeBrokers(ids, destinations: destinations)
        case .removeDisks:
            guard let items = request.list("brokerid_and_logdirs"), !items.isEmpty else {
                throw .badRequest(
                    request.method, request.endpoint, "Missing required parameter brokerid_and_logdirs")
            }
            var dirs: [Int32: Set<String>] = [:]
            for item in items {
                let parts = item.split(separator: "-", maxSplits: 1)
                guard parts.count == 2, let broker = Int32(parts[0]) else {
                    throw .badRequest(
                        request.method, request.endpoint, "Invalid brokerid_and_logdirs entry \(item)")
                }
                dirs[broker, default: []].insert(String(parts[1]))
            }
            return .removeDisks(dirs)
        default:
            if request.bool("rebalance_disk", default: false) { return .rebalanceDisks }
            // A rebalance leaves recently removed brokers empty unless asked otherwise.
            let excludeRemoved = request.bool(
                "exclude_recently_removed_brokers", default: request.endpoint == .rebalance)
            guard excludeRemoved, !recentlyRemoved.isEmpty else {
                return .rebalance(destinations: destinations)
            }
            let alive = Set(await simulation.snapshot().aliveBrokerIDs)
            return .rebalance(destinations: (destinations ?? alive).subtracting(recentlyRemoved))
        }
    }
}

extension Substring {
    fileprivate var trimmingPrefixSpaces: Substring { drop { $0 == " " } }
}
