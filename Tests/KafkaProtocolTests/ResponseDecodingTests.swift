import KafkaProtocol
import TestSupport
import Testing

/// Response payloads written by hand from the message schemas, decoded by the codec.
struct ResponseDecodingTests {
    typealias B = Bytes

    /// Decodes a payload (everything after the size prefix) and checks the correlation id.
    private func decode<R: KafkaRequest>(
        _ type: R.Type, version: Int16, _ body: [UInt8], flexibleHeader: Bool
    )
        throws -> R.Response
    {
        let payload = B.i32(9) + (flexibleHeader ? B.noTags : []) + body
        let decoded = try KafkaFrame.decodeResponse(type, version: version, payload: payload)
        #expect(decoded.correlationId == 9)
        return decoded.response
    }

    @Test func apiVersionsV0AndV3WithAnUnknownTaggedField() throws {
        let v0 = B.i16(0) + B.count(2) + B.i16(3) + B.i16(0) + B.i16(12) + B.i16(18) + B.i16(0) + B.i16(4)
        let decoded0 = try decode(ApiVersionsRequest.self, version: 0, v0, flexibleHeader: false)
        #expect(decoded0.range(for: .metadata) == 0...12)
        #expect(decoded0.range(for: .apiVersions) == 0...4)
        #expect(decoded0.range(for: .createTopics) == nil)
        // v3: the response header stays v0 (no tags); the body is compact, with a tagged field
        // (tag 1, FinalizedFeaturesEpoch, 8 bytes) the client must skip.
        let v3 =
            B.i16(0) + B.ccount(1) + B.i16(60) + B.i16(0) + B.i16(1) + B.noTags + B.i32(0) + [1, 1, 8]
            + B.i64(5)
        let decoded3 = try decode(ApiVersionsRequest.self, version: 3, v3, flexibleHeader: false)
        #expect(decoded3.apiKeys == [.init(apiKey: 60, minVersion: 0, maxVersion: 1)])
    }

    @Test func apiVersionsUnsupportedVersionErrorCarriesTheBrokersRange() throws {
        let body = B.i16(35) + B.count(1) + B.i16(18) + B.i16(0) + B.i16(2)
        let decoded = try decode(ApiVersionsRequest.self, version: 0, body, flexibleHeader: false)
        #expect(decoded.errorCode == 35)
        #expect(decoded.range(for: .apiVersions) == 0...2)
    }

    private let partitionV1 =
        B.i16(0) + B.i32(0) + B.i32(1) + B.count(2) + B.i32(1) + B.i32(2) + B.count(1) + B.i32(1)

    @Test func metadataV1WithBrokersControllerAndAnUnderReplicatedPartition() throws {
        let body =
            B.count(1) + B.i32(1) + B.str("h") + B.i32(9092) + B.nullStr + B.i32(1) + B.count(1) + B.i16(0)
            + B.str("t") + B.bool(false) + B.count(1) + partitionV1
        let decoded = try decode(MetadataRequest.self, version: 1, body, flexibleHeader: false)
        #expect(
            decoded
                == MetadataResponse(
                    brokers: [.init(nodeId: 1, host: "h", port: 9092)], clusterId: nil, controllerId: 1,
                    topics: [
                        .init(
                            name: "t",
                            partitions: [
                                .init(partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1])
                            ])
                    ]))
    }

    @Test func metadataV8WithClusterIdOfflineReplicasAndAuthorizedOperations() throws {
        let partition =
            B.i16(5) + B.i32(0) + B.i32(-1) + B.i32(3) + B.count(1) + B.i32(2) + B.count(0) + B.count(1)
            + B.i32(2)
        let body =
            B.i32(0) + B.count(1) + B.i32(2) + B.str("h") + B.i32(1) + B.str("rack-a") + B.str("cid")
            + B.i32(2)
            + B.count(1) + B.i16(0) + B.str("t") + B.bool(true) + B.count(1) + partition + B.i32(-1)
            + B.i32(-1)
        let decoded = try decode(MetadataRequest.self, version: 8, body, flexibleHeader: false)
        #expect(decoded.clusterId == "cid")
        #expect(decoded.brokers.first?.rack == "rack-a")
        #expect(decoded.topics.first?.isInternal == true)
        #expect(
            decoded.topics.first?.partitions
                == [
                    .init(
                        errorCode: 5, partitionIndex: 0, leaderId: -1, leaderEpoch: 3, replicaNodes: [2],
                        isrNodes: [],
                        offlineReplicas: [2])
                ])
    }

    @Test func metadataV12IsCompactWithTopicIdsAndNullableNames() throws {
        let partition =
            B.i16(0) + B.i32(0) + B.i32(1) + B.i32(0) + B.ccount(1) + B.i32(1) + B.ccount(1) + B.i32(1)
            + B.ccount(0)
            + B.noTags
        let body =
            B.i32(0) + B.ccount(1) + B.i32(1) + B.cstr("h") + B.i32(9092) + B.nullCstr + B.noTags
            + B.cstr("cid")
            + B.i32(1) + B.ccount(1) + B.i16(0) + B.nullCstr + B.zeroUUID + B.bool(false) + B.ccount(1)
            + partition
            + B.i32(0) + B.noTags + B.noTags
        let decoded = try decode(MetadataRequest.self, version: 12, body, flexibleHeader: true)
        #expect(decoded.topics.first?.name == nil)
        #expect(decoded.topics.first?.partitions.first?.isrNodes == [1])
        #expect(decoded.brokers == [.init(nodeId: 1, host: "h", port: 9092)])
    }

    @Test func describeClusterV0AndV1() throws {
        let brokers = B.ccount(1) + B.i32(111) + B.cstr("h") + B.i32(9092) + B.nullCstr + B.noTags
        let v0 = B.i32(0) + B.i16(0) + B.nullCstr + B.cstr("c") + B.i32(111) + brokers + B.i32(0) + B.noTags
        let expected = DescribeClusterResponse(
            clusterId: "c", controllerId: 111, brokers: [.init(nodeId: 111, host: "h", port: 9092)],
            clusterAuthorizedOperations: 0)
        #expect(try decode(DescribeClusterRequest.self, version: 0, v0, flexibleHeader: true) == expected)
        let v1 =
            B.i32(0) + B.i16(0) + B.nullCstr + B.i8(1) + B.cstr("c") + B.i32(111) + brokers + B.i32(0)
            + B.noTags
        #expect(try decode(DescribeClusterRequest.self, version: 1, v1, flexibleHeader: true) == expected)
    }

    @Test func describeConfigsV1V3AndV4WithSourcesAndFlags() throws {
        let entry = ConfigEntry(name: "k", value: "v", isReadOnly: true, sourceCode: 2, isSensitive: false)
        let secret = ConfigEntry(name: "p", value: nil, isReadOnly: false, sourceCode: 3, isSensitive: true)
        let v1 =
            B.i32(0) + B.count(1) + B.i16(0) + B.nullStr + B.i8(4) + B.str("1") + B.count(2) + B.str("k")
            + B.str("v")
            + B.bool(true) + B.i8(2) + B.bool(false) + B.count(1) + B.str("k") + B.str("v") + B.i8(2)
            + B.str("p")
            + B.nullStr + B.bool(false) + B.i8(3) + B.bool(true) + B.count(0)
        let decoded1 = try decode(DescribeConfigsRequest.self, version: 1, v1, flexibleHeader: false)
        var withSynonym = entry
        withSynonym.synonyms = [.init(name: "k", value: "v", sourceCode: 2)]
        #expect(decoded1.results.first?.configs == [withSynonym, secret])
        #expect(decoded1.results.first?.configs.first?.source == .dynamicBroker)
        let v3 =
            B.i32(0) + B.count(1) + B.i16(0) + B.nullStr + B.i8(4) + B.str("1") + B.count(1) + B.str("k")
            + B.str("v")
            + B.bool(true) + B.i8(2) + B.bool(false) + B.count(0) + B.i8(3) + B.nullStr
        // v3 adds the config type (3: int) and documentation.
        var typed = entry
        typed.configType = 3
        #expect(
            try decode(DescribeConfigsRequest.self, version: 3, v3, flexibleHeader: false).results.first?
                .configs == [typed])
        let v4 =
            B.i32(0) + B.ccount(1) + B.i16(0) + B.nullCstr + B.i8(4) + B.cstr("") + B.ccount(1) + B.cstr("k")
            + B.cstr("v") + B.bool(true) + B.i8(2) + B.bool(false) + B.ccount(0) + B.i8(3) + B.nullCstr
            + B.noTags
            + B.noTags + B.noTags
        let decoded4 = try decode(DescribeConfigsRequest.self, version: 4, v4, flexibleHeader: true)
        #expect(decoded4.results.first?.resourceName == "")
        #expect(decoded4.results.first?.configs == [typed])
    }

    @Test func incrementalAlterConfigsV0AndV1() throws {
        let v0 = B.i32(0) + B.count(1) + B.i16(40) + B.str("bad") + B.i8(4) + B.str("1")
        let expected = IncrementalAlterConfigsResponse(results: [
            .init(errorCode: 40, errorMessage: "bad", resourceType: 4, resourceName: "1")
        ])
        #expect(
            try decode(IncrementalAlterConfigsRequest.self, version: 0, v0, flexibleHeader: false) == expected
        )
        let v1 =
            B.i32(0) + B.ccount(1) + B.i16(40) + B.cstr("bad") + B.i8(4) + B.cstr("1") + B.noTags + B.noTags
        #expect(
            try decode(IncrementalAlterConfigsRequest.self, version: 1, v1, flexibleHeader: true) == expected)
    }

    @Test func createTopicsV2V5AndV7() throws {
        let v2 = B.i32(0) + B.count(1) + B.str("t") + B.i16(36) + B.str("exists")
        #expect(
            try decode(CreateTopicsRequest.self, version: 2, v2, flexibleHeader: false)
                == CreateTopicsResponse(results: [.init(name: "t", errorCode: 36, errorMessage: "exists")]))
        let configs =
            B.ccount(1) + B.cstr("k") + B.cstr("v") + B.bool(false) + B.i8(5) + B.bool(false) + B.noTags
        // The topic entry carries TopicConfigErrorCode as tagged field 0 (2 bytes), to be skipped.
        let v5 =
            B.i32(0) + B.ccount(1) + B.cstr("t") + B.i16(0) + B.nullCstr + B.i32(3) + B.i16(1) + configs
            + [1, 0, 2] + B.i16(0) + B.noTags
        let expected = CreateTopicsResponse(results: [
            .init(name: "t", errorCode: 0, numPartitions: 3, replicationFactor: 1)
        ])
        var withConfigs = expected
        withConfigs.results[0].configs = [
            .init(name: "k", value: "v", isReadOnly: false, sourceCode: 5, isSensitive: false)
        ]
        #expect(try decode(CreateTopicsRequest.self, version: 5, v5, flexibleHeader: true) == withConfigs)
        let v7 =
            B.i32(0) + B.ccount(1) + B.cstr("t") + B.zeroUUID + B.i16(0) + B.nullCstr + B.i32(3) + B.i16(1)
            + B.nullCstr + B.noTags + B.noTags
        #expect(try decode(CreateTopicsRequest.self, version: 7, v7, flexibleHeader: true) == expected)
    }

    @Test func saslHandshakeAndAuthenticateResponses() throws {
        let handshake = B.i16(33) + B.count(2) + B.str("PLAIN") + B.str("SCRAM-SHA-256")
        #expect(
            try decode(SaslHandshakeRequest.self, version: 1, handshake, flexibleHeader: false)
                == SaslHandshakeResponse(errorCode: 33, mechanisms: ["PLAIN", "SCRAM-SHA-256"]))
        let v1 = B.i16(0) + B.nullStr + B.i32(2) + [7, 8] + B.i64(60_000)
        #expect(
            try decode(SaslAuthenticateRequest.self, version: 1, v1, flexibleHeader: false)
                == SaslAuthenticateResponse(
                    errorCode: 0, errorMessage: nil, authBytes: [7, 8], sessionLifetimeMs: 60_000))
        let v2 = B.i16(58) + B.cstr("no") + [1] + B.i64(0) + B.noTags
        #expect(
            try decode(SaslAuthenticateRequest.self, version: 2, v2, flexibleHeader: true)
                == SaslAuthenticateResponse(errorCode: 58, errorMessage: "no", authBytes: []))
    }

    /// One row per hostile payload; each must be rejected with the codec error named.
    @Test(
        arguments: [
            (
                "empty payload", [],
                KafkaCodecError.truncated(field: "correlation_id", needed: 4, remaining: 0)
            ),
            ("half a correlation id", [0, 0], .truncated(field: "correlation_id", needed: 4, remaining: 2)),
            (
                "array count past the end", B.i32(9) + B.i16(0) + B.count(1000),
                .invalidLength(field: "api_keys", length: 1000)
            ),
            (
                "negative array count", B.i32(9) + B.i16(0) + B.count(-5),
                .invalidLength(field: "api_keys", length: -5)
            ),
            ("null array", B.i32(9) + B.i16(0) + B.count(-1), .unexpectedNull(field: "api_keys")),
            ("trailing bytes", B.i32(9) + B.i16(0) + B.count(0) + B.i32(0) + [1], .trailingBytes(count: 1)),
            (
                "huge array count", B.i32(9) + B.i16(0) + B.count(Int32.max),
                .invalidLength(field: "api_keys", length: Int(Int32.max))
            ),
        ] as [(String, [UInt8], KafkaCodecError)])
    func hostileApiVersionsPayloadsAreRejected(name: String, payload: [UInt8], error: KafkaCodecError) {
        #expect(throws: error, "\(name)") {
            _ = try KafkaFrame.decodeResponse(ApiVersionsRequest.self, version: 2, payload: payload)
        }
    }

    @Test(
        arguments: [
            (
                "varint over five bytes",
                B.i32(9) + B.noTags + B.i32(0) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
                KafkaCodecError.invalidVarint(field: "brokers")
            ),
            (
                "string longer than the rest",
                B.i32(9) + B.noTags + B.i32(0) + B.ccount(1) + B.i32(1) + [50]
                    + [UInt8](repeating: 65, count: 20),
                .truncated(field: "brokers.host", needed: 49, remaining: 20)
            ),
            (
                "invalid UTF-8 host",
                B.i32(9) + B.noTags + B.i32(0) + B.ccount(1) + B.i32(1) + [3, 0xC3, 0x28] + B.i32(1)
                    + B.nullCstr + B.noTags, .invalidUTF8(field: "brokers.host")
            ),
            (
                "null host",
                B.i32(9) + B.noTags + B.i32(0) + B.ccount(1) + B.i32(1) + B.nullCstr + B.i32(1) + B.nullCstr
                    + B.noTags, .unexpectedNull(field: "brokers.host")
            ),
            (
                "tagged field longer than the rest", B.i32(9) + [1, 0, 100],
                .truncated(field: "response header tagged field", needed: 100, remaining: 0)
            ),
        ] as [(String, [UInt8], KafkaCodecError)])
    func hostileMetadataPayloadsAreRejected(name: String, payload: [UInt8], error: KafkaCodecError) {
        #expect(throws: error, "\(name)") {
            _ = try KafkaFrame.decodeResponse(MetadataRequest.self, version: 12, payload: payload)
        }
    }

    @Test(arguments: [
        (
            B.i32(100 * 1024 * 1024 + 1),
            KafkaCodecError.frameTooLarge(size: 100 * 1024 * 1024 + 1, limit: 100 * 1024 * 1024)
        ),
        (B.i32(-1), .frameTooSmall(size: -1)),
        (B.i32(3), .frameTooSmall(size: 3)),
    ])
    func sizePrefixesOutsideTheLimitsAreRejected(prefix: [UInt8], error: KafkaCodecError) {
        #expect(throws: error) {
            _ = try KafkaFrame.responseSize(prefix: prefix, limit: KafkaFrame.defaultMaximumResponseSize)
        }
    }
}
