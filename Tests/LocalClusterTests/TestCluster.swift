import Foundation
import JSON
import LocalCluster
import Logging
import TestSupport

/// A LocalCluster on a free loopback port with a fast kubelet, and curl to talk to it.
final class TestCluster: Sendable {
    let cluster: LocalCluster
    let base: String

    static func start(
        dataDirectory: String? = nil, watchHistory: Int = 1000,
        kubelet: LocalClusterConfiguration.KubeletTiming = .init(
            scheduleDelay: .milliseconds(10), startDelay: .milliseconds(20), readyDelay: .milliseconds(20),
            bindDelay: .milliseconds(10)),
        requireToken: Bool = false, validation: Bool = true
    ) async throws -> TestCluster {
        var logger = Logger(label: "local-cluster-test")
        logger.logLevel = .critical
        var configuration = LocalClusterConfiguration(
            dataDirectory: dataDirectory, kubelet: kubelet, watchHistory: watchHistory,
            bookmarkInterval: .milliseconds(200), requireToken: requireToken)
        configuration.validation = validation
        let cluster = LocalCluster(configuration: configuration, logger: logger)
        try await cluster.start()
        return TestCluster(cluster: cluster, base: try cluster.baseURL)
    }

    private init(cluster: LocalCluster, base: String) {
        self.cluster = cluster
        self.base = base
    }

    func stop() async { await cluster.stop() }

    /// Runs `body` against a fresh cluster and stops the cluster when it returns or throws.
    static func with<Result>(_ body: (TestCluster) async throws -> Result) async throws -> Result {
        let cluster = try await start()
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }

    struct Answer {
        let status: Int
        let text: String
        /// The response's header lines, when the request asked for them.
        var headerLines: [String] = []

        /// The texts of the `Warning` headers (`299 - "text"`), unquoted.
        var warnings: [String] {
            headerLines.compactMap { line in
                guard line.lowercased().hasPrefix("warning: 299 - \""), line.hasSuffix("\"") else {
                    return nil
                }
                return String(line.dropFirst("warning: 299 - \"".count).dropLast())
                    .replacing("\\\"", with: "\"").replacing("\\\\", with: "\\")
            }
        }
        var json: JSONValue { (try? JSONReader.parse(Array(text.utf8))) ?? .null }

        /// The string at a dotted path of the JSON body.
        func string(_ path: String) -> String? {
            var value: JSONValue? = json
            for key in path.split(separator: ".") { value = value?[String(key)] }
            if case .string(let text)? = value { return text }
            if case .number(let text)? = value { return text }
            return nil
        }

        var items: [JSONValue] {
            if case .array(let items)? = json["items"] { return items }
            return []
        }

        var itemNames: [String] {
            items.compactMap { item in
                if case .string(let name)? = item["metadata"]?["name"] { return name }
                return nil
            }
        }
    }

    /// Sends one request with curl and returns the status and body. curl runs on a Dispatch
    /// thread: blocking one of the few cooperative threads would starve the server's handlers.
    func request(
        _ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
        headers: [String] = [], extra: [String] = [], includeHeaders: Bool = false
    ) async throws -> Answer {
        try await request(
            method, path, bytes: body.map { Array($0.utf8) }, contentType: contentType, headers: headers,
            extra: extra, includeHeaders: includeHeaders)
    }

    /// Sends a body of any bytes (a protobuf one, say).
    func request(
        _ method: String, _ path: String, bytes body: [UInt8]?, contentType: String,
        headers: [String] = [], extra: [String] = [], includeHeaders: Bool = false
    ) async throws -> Answer {
        var arguments = ["-sS", "--path-as-is", "-X", method, "-w", "\n%{http_code}"]
        if includeHeaders { arguments += ["-D", "/dev/stderr"] }
        for header in headers { arguments += ["-H", header] }
        if body != nil { arguments += ["-H", "Content-Type: \(contentType)", "--data-binary", "@-"] }
        arguments += extra
        arguments.append(base + path)
        let output = try await runOffPool("curl", arguments, input: body.map { Data($0) })
        guard let newline = output.stdout.lastIndex(of: "\n"),
            let status = Int(output.stdout[output.stdout.index(after: newline)...])
        else {
            return Answer(status: -1, text: output.stderr)
        }
        var answer = Answer(status: status, text: String(output.stdout[..<newline]))
        if includeHeaders {
            answer.headerLines = output.stderr.split(separator: "\r\n").map(String.init)
        }
        return answer
    }

    func get(_ path: String) async throws -> Answer { try await request("GET", path) }
    func post(_ path: String, _ body: String) async throws -> Answer {
        try await request("POST", path, body: body)
    }
    func put(_ path: String, _ body: String) async throws -> Answer {
        try await request("PUT", path, body: body)
    }
    func mergePatch(_ path: String, _ body: String) async throws -> Answer {
        try await request("PATCH", path, body: body, contentType: "application/merge-patch+json")
    }
    func delete(_ path: String, _ body: String? = nil) async throws -> Answer {
        try await request("DELETE", path, body: body)
    }

    /// Creates a namespace.
    @discardableResult
    func createNamespace(_ name: String) async throws -> Answer {
        try await post(
            "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(name)"}}"#)
    }

    /// Waits until `condition` holds for the answer to GET `path`.
    func waitFor(_ path: String, timeout: Duration = .seconds(10), _ condition: (Answer) -> Bool) async throws
        -> Bool
    {
        try await waitUntil(timeout: timeout) { condition(try await get(path)) }
    }

    static func configMap(_ name: String, labels: [String: String] = [:], data: String = #"{"a":"1"}"#)
        -> String
    {
        let labelText = labels.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value)""# }.joined(
            separator: ",")
        return
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":{\#(labelText)}},"data":\#(data)}"#
    }

    static func pod(
        _ name: String, labels: [String: String] = [:],
        owner: (kind: String, name: String, uid: String)? = nil
    ) -> String {
        let labelText = labels.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value)""# }.joined(
            separator: ",")
        let ownerText =
            owner.map {
                #","ownerReferences":[{"apiVersion":"kafka.banzaicloud.io/v1beta1","kind":"\#($0.kind)","name":"\#($0.name)","uid":"\#($0.uid)","controller":true,"blockOwnerDeletion":true}]"#
            } ?? ""
        return
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","labels":{\#(labelText)}\#(ownerText)},"spec":{"containers":[{"name":"kafka","image":"ghcr.io/banzaicloud/kafka:2.13-3.4.1"}]}}"#
    }

    static func kafkaCluster(_ name: String, brokers: Int = 3) -> String {
        let brokerText = (0..<brokers).map { #"{"id":\#($0)}"# }.joined(separator: ",")
        return
            #"{"apiVersion":"kafka.banzaicloud.io/v1beta1","kind":"KafkaCluster","metadata":{"name":"\#(name)"},"spec":{"brokers":[\#(brokerText)],"custom":{"kept":true}}}"#
    }
}
