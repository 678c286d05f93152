import Foundation
import HTTPServer
import JSON
import LocalKafka
import TestSupport
import Testing

/// Every kind of answer the simulator gives, validated with jsonschema against the response
/// schemas of Cruise Control's OpenAPI spec.
@Suite struct ResponseSchemaTests {
    /// Resolves the spec's `$ref`s across its files and validates each line of standard input
    /// (`{"label", "schema": "file.yaml#Name", "body"}`); prints one line per failure.
    static let validator = """
        import sys, os, json, yaml, jsonschema
        base = sys.argv[1]
        cache = {}
        def load(path):
            if path not in cache:
                cache[path] = yaml.safe_load(open(path))
            return cache[path]
        def resolve(node, path):
            if isinstance(node, dict):
                if '$ref' in node:
                    file, _, pointer = node['$ref'].partition('#')
                    target = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
                    doc = load(target)
                    for part in pointer.strip('/').split('/'):
                        doc = doc[part]
                    return resolve(doc, target)
                return {k: resolve(v, path) for k, v in node.items() if k not in ('example', 'format')}
            if isinstance(node, list):
                return [resolve(v, path) for v in node]
            return node
        count = 0
        for line in sys.stdin:
            item = json.loads(line)
            file, name = item['schema'].split('#')
            path = os.path.join(base, 'responses', file)
            schema = resolve(load(path)[name], path)
            count += 1
            try:
                jsonschema.Draft4Validator(schema).validate(item['body'])
            except jsonschema.ValidationError as error:
                print('INVALID', item['label'], list(error.absolute_path), error.message[:300])
        print('validated', count)
        """

    /// Validates `(label, schema, body)` triples; returns the failures.
    static func validate(_ items: [(String, String, JSONValue)]) throws -> [String] {
        let lines = items.map { label, schema, body in
            JSONValue.object([("label", .string(label)), ("schema", .string(schema)), ("body", body)])
                .encoded()
        }
        let input = Data(lines.map { $0 + [10] }.joined())
        let output = try runProcess(
            "python3", ["-c", validator, OpenAPISpec.directory.path], input: input)
        guard output.status == 0 else { return ["validator failed: \(output.stderr)"] }
        #expect(output.stdout.contains("validated \(items.count)"), "\(output.stdout)")
        return output.stdout.split(separator: "\n").filter { $0.hasPrefix("INVALID") }.map(String.init)
    }

    @Test(.enabled(if: Peer.available("python3"))) func everyAnswerMatchesTheSpec() async throws {
        let harness = try CruiseControlHarness(configuration: .init(proposalComputationMilliseconds: 100))
        var items: [(String, String, JSONValue)] = []
        func record(
            _ label: String, _ schema: String, _ method: HTTPMethod, _ endpoint: String,
            _ query: [(String, String)],
            headers: HTTPHeaders = [:], status: Int = 200
        ) async throws -> CruiseControlHarness.Answer {
            let answer = try await harness.call(
                method, endpoint, query + [("json", "true")], headers: headers)
            #expect(answer.status == status, "\(label)")
            items.append(
                (label, answer.status >= 400 ? "errorResponse.yaml#ErrorResponse" : schema, answer.json))
            return answer
        }
        let state = "cruiseControlState.yaml#CruiseControlState"
        let optimization = "optimizationResult.yaml#OptimizationResult"
        let progress = "progressResult.yaml#ProgressResult"
        _ = try await record("state", state, .get, "state", [("verbose", "true")])
        _ = try await record(
            "cluster state", "kafkaClusterState.yaml#KafkaClusterState", .get, "kafka_cluster_state",
            [("verbose", "true")])
        _ = try await record(
            "load", "brokerStats.yaml#BrokerStats", .get, "load", [("populate_disk_info", "true")])
        _ = try await record(
            "partition load", "partitionLoadState.yaml#PartitionLoadState", .get, "partition_load",
            [("resource", "networkInbound")])
        _ = try await record(
            "proposals (202)", progress, .get, "proposals", [("verbose", "true")], status: 202)
        harness.manualClock.advance(milliseconds: 100)
        _ = try await record("proposals", optimization, .get, "proposals", [("verbose", "true")])
        let pending = try await record(
            "add (202)", progress, .post, "add_broker", [("brokerid", "3"), ("dryrun", "false")], status: 202)
        harness.manualClock.advance(milliseconds: 100)
        let id = try #require(pending.headers["User-Task-ID"])
        _ = try await record(
            "add", optimization, .post, "add_broker", [("brokerid", "3"), ("dryrun", "false")],
            headers: ["User-Task-ID": id])
        _ = try await record("executing state", state, .get, "state", [("substates", "executor")])
        _ = try await record("second execution", "", .post, "rebalance", [("dryrun", "false")], status: 500)
        _ = try await record(
            "stop", "stopProposalResult.yaml#StopProposalResult", .post, "stop_proposal_execution", [])
        _ = try await record("unknown parameter", "", .get, "load", [("nope", "1")], status: 400)
        harness.manualClock.advance(milliseconds: 600_000)
        for (endpoint, query) in [
            ("remove_broker", [("brokerid", "0")]),
            ("remove_disks", [("brokerid_and_logdirs", "2-/kafka-logs/kafka")]),
            ("rebalance", [("rebalance_disk", "true"), ("verbose", "true")]), ("rebalance", []),
        ] {
            _ = try await record(endpoint, progress, .post, endpoint, query, status: 202)
            harness.manualClock.advance(milliseconds: 100)
            _ = try await record(endpoint, optimization, .post, endpoint, query)
            harness.manualClock.advance(milliseconds: 100)
        }
        _ = try await record(
            "user tasks", "userTaskState.yaml#UserTaskState", .get, "user_tasks",
            [("fetch_completed_task", "true")])
        let failures = try Self.validate(items)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
