import Foundation
import KafkaProtocol
import TestSupport
import Testing

/// confluent-kafka (librdkafka) talks to a loopback socket that answers only through this
/// codec: its ApiVersions and Metadata requests are read with the request decoders, and what
/// it then reports about the cluster comes from the response encoders.
@Suite(.enabled(if: Peer.available("python3"), "python3 is not installed"))
struct ConfluentKafkaRequestTests {
    /// What the socket received, decoded.
    struct Seen: Sendable {
        var apiVersions: [(RequestHeader, ApiVersionsRequest)] = []
        var metadata: [(RequestHeader, MetadataRequest)] = []
        var other: [String] = []
    }

    /// Answers ApiVersions with this codec's ranges and every Metadata with one broker (this
    /// socket) and one topic; anything else closes the connection, as a broker does with an
    /// unknown key.
    static func answer(_ payload: [UInt8], port: UInt16, seen: LockedBox<Seen>) -> [UInt8]? {
        do {
            let (header, body) = try KafkaFrame.decodeRequestHeader(payload: payload)
            switch header.apiKey {
            case .apiVersions:
                let request: ApiVersionsRequest
                do {
                    request = try KafkaFrame.decodeRequest(
                        ApiVersionsRequest.self, header: header, body: body)
                } catch KafkaCodecError.unsupportedVersion {
                    var refusal = ApiVersionsResponse.offeredByThisCodec
                    refusal.errorCode = KafkaErrorCode.unsupportedVersion
                    return try KafkaFrame.encodeResponse(
                        refusal, to: ApiVersionsRequest.self, version: 0, correlationId: header.correlationId)
                }
                seen.update { $0.apiVersions.append((header, request)) }
                return try KafkaFrame.encodeResponse(
                    .offeredByThisCodec, to: ApiVersionsRequest.self, version: header.apiVersion,
                    correlationId: header.correlationId)
            case .metadata:
                let request = try KafkaFrame.decodeRequest(MetadataRequest.self, header: header, body: body)
                seen.update { $0.metadata.append((header, request)) }
                let response = MetadataResponse(
                    brokers: [.init(nodeId: 7, host: "127.0.0.1", port: Int32(port), rack: "rack-a")],
                    clusterId: "codec-check", controllerId: 7,
                    topics: [
                        .init(
                            name: "orders", topicId: Array(1...16),
                            partitions: [
                                .init(
                                    partitionIndex: 0, leaderId: 7, leaderEpoch: 1, replicaNodes: [7],
                                    isrNodes: [7]),
                                .init(
                                    partitionIndex: 1, leaderId: 7, leaderEpoch: 1, replicaNodes: [7],
                                    isrNodes: [7]),
                            ])
                    ])
                return try KafkaFrame.encodeResponse(
                    response, to: MetadataRequest.self, version: header.apiVersion,
                    correlationId: header.correlationId)
            default:
                seen.update { $0.other.append("\(header.apiKey) v\(header.apiVersion)") }
                return nil
            }
        } catch {
            seen.update { $0.other.append("undecodable: \(error)") }
            return nil
        }
    }

    @Test func librdkafkasApiVersionsAndMetadataRequestsDecodeAndItReadsOurAnswers() throws {
        let seen = LockedBox(Seen())
        let port = LockedBox<UInt16>(0)
        let peer = try FakeKafkaPeer(.frames { Self.answer($0, port: port.get(), seen: seen) })
        defer { peer.stop() }
        port.set(peer.port)
        let script = """
            import json
            from confluent_kafka.admin import AdminClient
            admin = AdminClient({'bootstrap.servers': '\(peer.bootstrap)', 'client.id': 'codec-check'})
            md = admin.list_topics(topic='orders', timeout=10)
            print(json.dumps({'cluster': md.cluster_id, 'controller': md.controller_id,
              'brokers': {str(b.id): [b.host, b.port] for b in md.brokers.values()},
              'topics': {n: sorted([[p.id, p.leader, p.replicas, p.isrs] for p in t.partitions.values()])
                         for n, t in md.topics.items()}}))
            """
        let output = try runProcess("python3", ["-c", script])
        guard output.status == 0 else {
            Issue.record("confluent-kafka failed: \(output.stderr)")
            return
        }
        let observed = seen.get()
        #expect(observed.other.isEmpty, "requests the socket did not expect: \(observed.other)")

        let (versionsHeader, versions) = try #require(observed.apiVersions.first)
        #expect(versionsHeader.clientId == "codec-check")
        #expect(versionsHeader.apiVersion == 3)
        #expect(versions.clientSoftwareName == "confluent-kafka-python")
        #expect(versions.clientSoftwareVersion.contains("rdkafka"), "\(versions.clientSoftwareVersion)")

        // librdkafka picks min(its highest, ours) and asks for the topic by name.
        #expect(observed.metadata.allSatisfy { $0.0.clientId == "codec-check" })
        #expect(
            observed.metadata.allSatisfy { $0.0.apiVersion == MetadataRequest.supportedVersions.upperBound })
        let askedFor = observed.metadata.compactMap { $0.1.topics?.compactMap(\.name) }
        #expect(askedFor.contains(["orders"]), "metadata requests asked for \(askedFor)")

        struct Reported: Decodable {
            let cluster: String
            let controller: Int32
            let brokers: [String: [StringOrInt]]
            let topics: [String: [[Int32OrList]]]
        }
        let reported = try JSONDecoder().decode(Reported.self, from: Data(output.stdout.utf8))
        #expect(reported.cluster == "codec-check")
        #expect(reported.controller == 7)
        #expect(reported.brokers == ["7": [.string("127.0.0.1"), .int(Int(peer.port))]])
        #expect(
            reported.topics == [
                "orders": [
                    [.one(0), .one(7), .list([7]), .list([7])], [.one(1), .one(7), .list([7]), .list([7])],
                ]
            ])
    }
}

/// A JSON array element that is a string or a number.
enum StringOrInt: Decodable, Equatable {
    case string(String)
    case int(Int)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }
}
