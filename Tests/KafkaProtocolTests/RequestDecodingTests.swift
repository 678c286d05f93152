import KafkaProtocol
import TestSupport
import Testing

/// Request payloads written by hand, decoded as a broker does; hostile ones must end in the
/// codec error named, never a crash or an allocation sized by a length prefix.
struct RequestDecodingTests {
    typealias B = Bytes

    /// Request header v1 (classic) or v2 (flexible: the same plus tags), client id "op".
    private func header(api: Int16, version: Int16, flexible: Bool) -> [UInt8] {
        B.i16(api) + B.i16(version) + B.i32(7) + B.str("op") + (flexible ? B.noTags : [])
    }

    @Test func headerV2CarriesTheClientIdAndSkipsUnknownTaggedFields() throws {
        // ApiVersions v3 with a tagged field (tag 5, 2 bytes) in the header a broker must skip.
        let payload =
            B.i16(18) + B.i16(3) + B.i32(7) + B.str("rdkafka") + [1, 5, 2, 0xAB, 0xCD] + B.cstr("librdkafka")
            + B.cstr("2.16") + B.noTags
        let (header, request) = try KafkaFrame.decodeRequest(ApiVersionsRequest.self, payload: payload)
        #expect(
            header
                == RequestHeader(apiKey: .apiVersions, apiVersion: 3, correlationId: 7, clientId: "rdkafka"))
        #expect(
            request == ApiVersionsRequest(clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.16"))
    }

    @Test func aNullClientIdIsAllowed() throws {
        let payload = B.i16(18) + B.i16(0) + B.i32(7) + B.nullStr
        #expect(try KafkaFrame.decodeRequestHeader(payload: payload).header.clientId == nil)
    }

    @Test func metadataV1NullTopicsMeansAllAndV12NamesTopicsById() throws {
        let v1 = header(api: 3, version: 1, flexible: false) + B.count(-1)
        #expect(try KafkaFrame.decodeRequest(MetadataRequest.self, payload: v1).request.topics == nil)
        let id: [UInt8] = Array(1...16)
        let v12 =
            header(api: 3, version: 12, flexible: true) + B.ccount(1) + id + B.nullCstr + B.noTags
            + B.bool(true)
            + B.bool(true) + B.noTags
        let request = try KafkaFrame.decodeRequest(MetadataRequest.self, payload: v12).request
        #expect(request.topics == [.init(name: nil, topicId: id)])
        #expect(request.allowAutoTopicCreation && request.includeTopicAuthorizedOperations)
    }

    /// librdkafka 2.x's all-topics Metadata v12, as captured from confluent-kafka's
    /// `list_topics()`: four zero bytes where the compact array count goes, three more than the
    /// varint needs. Kafka reads the null array and ignores what is left; so does the decoder.
    @Test func bytesAfterARequestBodyAreIgnoredAsKafkaIgnoresThem() throws {
        let clientId = Array("simulator-check".utf8)
        let payload: [UInt8] =
            [0, 3, 0, 12, 0, 0, 0, 3, 0, UInt8(clientId.count)] + clientId + [0]
            + [0, 0, 0, 0, 1, 0, 0]
        let (decoded, request) = try KafkaFrame.decodeRequest(MetadataRequest.self, payload: payload)
        #expect(decoded.correlationId == 3 && decoded.clientId == "simulator-check")
        #expect(request.topics == nil)
        #expect(!request.allowAutoTopicCreation && !request.includeTopicAuthorizedOperations)
        let apiVersions = header(api: 18, version: 0, flexible: false) + [0]
        #expect(throws: Never.self) { try decodeAny(apiVersions) }
    }

    @Test func deleteTopicsV4IsACompactNameList() throws {
        let v4 =
            header(api: 20, version: 4, flexible: true) + B.ccount(2) + B.cstr("a") + B.cstr("b") + B.i32(30)
            + B.noTags
        #expect(
            try KafkaFrame.decodeRequest(DeleteTopicsRequest.self, payload: v4).request
                == DeleteTopicsRequest(names: ["a", "b"], timeoutMs: 30))
    }

    @Test func createPartitionsV0WithAndWithoutAssignments() throws {
        let v0 =
            header(api: 37, version: 0, flexible: false) + B.count(2) + B.str("t") + B.i32(3) + B.count(1)
            + B.count(2)
            + B.i32(1) + B.i32(2) + B.str("u") + B.i32(2) + B.count(-1) + B.i32(100) + B.bool(false)
        #expect(
            try KafkaFrame.decodeRequest(CreatePartitionsRequest.self, payload: v0).request
                == CreatePartitionsRequest(
                    topics: [.init(name: "t", count: 3, assignments: [[1, 2]]), .init(name: "u", count: 2)],
                    timeoutMs: 100))
    }

    @Test func alterConfigsV0WithANullValue() throws {
        let v0 =
            header(api: 33, version: 0, flexible: false) + B.count(1) + B.i8(4) + B.str("1") + B.count(1)
            + B.str("k")
            + B.nullStr + B.bool(false)
        #expect(
            try KafkaFrame.decodeRequest(AlterConfigsRequest.self, payload: v0).request
                == AlterConfigsRequest(resources: [
                    .init(type: .broker, name: "1", configs: [.init(name: "k", value: nil)])
                ]))
    }

    @Test func describeLogDirsV2NullMeansEveryTopic() throws {
        let v2 = header(api: 35, version: 2, flexible: true) + B.nullCstr + B.noTags
        #expect(try KafkaFrame.decodeRequest(DescribeLogDirsRequest.self, payload: v2).request.topics == nil)
    }

    /// A newer client's ApiVersions is read up to its header, so a broker can answer it with
    /// UNSUPPORTED_VERSION in a v0 response; the answer lists what this codec implements.
    @Test func anUnsupportedApiVersionsVersionKeepsItsHeaderForTheV0Answer() throws {
        let payload =
            B.i16(18) + B.i16(9) + B.i32(7) + B.str("new") + B.noTags + B.cstr("x") + B.cstr("y") + B.noTags
        let (header, body) = try KafkaFrame.decodeRequestHeader(payload: payload)
        #expect(header.correlationId == 7)
        #expect(throws: KafkaCodecError.unsupportedVersion(api: "ApiVersions", version: 9)) {
            try KafkaFrame.decodeRequest(ApiVersionsRequest.self, header: header, body: body)
        }
        var answer = ApiVersionsResponse.offeredByThisCodec
        answer.errorCode = KafkaErrorCode.unsupportedVersion
        let frame = try KafkaFrame.encodeResponse(
            answer, to: ApiVersionsRequest.self, version: 0, correlationId: 7)
        let decoded = try KafkaFrame.decodeResponse(
            ApiVersionsRequest.self, version: 0, payload: Array(frame.dropFirst(4)))
        #expect(decoded.response.range(for: .apiVersions) == ApiVersionsRequest.supportedVersions)
        #expect(decoded.response.range(for: .describeLogDirs) == DescribeLogDirsRequest.supportedVersions)
    }

    @Test(
        arguments: [
            ("empty", [], KafkaCodecError.truncated(field: "request_api_key", needed: 2, remaining: 0)),
            (
                "half a header", B.i16(3) + B.i16(1),
                .truncated(field: "correlation_id", needed: 4, remaining: 0)
            ),
            ("unknown api key", B.i16(999) + B.i16(0) + B.i32(1) + B.nullStr, .unknownApiKey(999)),
            (
                "negative client id length", B.i16(3) + B.i16(1) + B.i32(1) + B.i16(-2),
                .invalidLength(field: "client_id", length: -2)
            ),
            (
                "client id longer than the rest", B.i16(3) + B.i16(1) + B.i32(1) + B.i16(300) + [65],
                .truncated(field: "client_id", needed: 300, remaining: 1)
            ),
            (
                "header tag count larger than the rest", B.i16(3) + B.i16(12) + B.i32(1) + B.nullStr + [0x7F],
                .invalidLength(field: "request header tagged fields", length: 127)
            ),
            (
                "Metadata version above ours",
                B.i16(3) + B.i16(13) + B.i32(1) + B.nullStr + B.noTags + B.nullCstr,
                .unsupportedVersion(api: "Metadata", version: 13)
            ),
            (
                "Metadata version below ours", B.i16(3) + B.i16(0) + B.i32(1) + B.nullStr + B.count(0),
                .unsupportedVersion(api: "Metadata", version: 0)
            ),
            (
                "CreateTopics count larger than the bytes left",
                B.i16(19) + B.i16(4) + B.i32(1) + B.nullStr + B.count(1_000_000) + B.str("t"),
                .invalidLength(field: "topics", length: 1_000_000)
            ),
            (
                "CreateTopics huge count", B.i16(19) + B.i16(2) + B.i32(1) + B.nullStr + B.count(Int32.max),
                .invalidLength(field: "topics", length: Int(Int32.max))
            ),
            (
                "DeleteTopics negative count", B.i16(20) + B.i16(1) + B.i32(1) + B.nullStr + B.count(-7),
                .invalidLength(field: "topic_names", length: -7)
            ),
            (
                "DeleteTopics compact count past the end",
                B.i16(20) + B.i16(4) + B.i32(1) + B.nullStr + B.noTags + [0xFF, 0x7F],
                .invalidLength(field: "topic_names", length: 16382)
            ),
            (
                "compact string over five varint bytes",
                B.i16(20) + B.i16(4) + B.i32(1) + B.nullStr + B.noTags + B.ccount(1) + [
                    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1,
                ],
                .invalidVarint(field: "topic_names")
            ),
            (
                "DescribeConfigs unknown resource type",
                B.i16(32) + B.i16(1) + B.i32(1) + B.nullStr + B.count(1) + B.i8(3) + B.str("x") + B.count(-1)
                    + B.bool(false),
                .invalidValue(field: "resources.resource_type", value: 3)
            ),
            (
                "IncrementalAlterConfigs unknown operation",
                B.i16(44) + B.i16(0) + B.i32(1) + B.nullStr + B.count(1) + B.i8(4) + B.str("1") + B.count(1)
                    + B.str("k")
                    + B.i8(9) + B.str("v") + B.bool(false),
                .invalidValue(field: "configs.config_operation", value: 9)
            ),
            (
                "IncrementalAlterConfigs SET without a value",
                B.i16(44) + B.i16(0) + B.i32(1) + B.nullStr + B.count(1) + B.i8(4) + B.str("1") + B.count(1)
                    + B.str("k")
                    + B.i8(0) + B.nullStr + B.bool(false),
                .unexpectedNull(field: "configs.value")
            ),
            (
                "CreateTopics config without a value",
                B.i16(19) + B.i16(4) + B.i32(1) + B.nullStr + B.count(1) + B.str("t") + B.i32(1) + B.i16(1)
                    + B.count(0)
                    + B.count(1) + B.str("k") + B.nullStr + B.i32(1) + B.bool(false),
                .unexpectedNull(field: "configs.value")
            ),
        ] as [(String, [UInt8], KafkaCodecError)])
    func hostileRequestsAreRejected(name: String, payload: [UInt8], error: KafkaCodecError) {
        #expect(throws: error, "\(name)") { try decodeAny(payload) }
    }

    @Test(arguments: [
        (B.i32(1 << 20 + 1), KafkaCodecError.frameTooLarge(size: 1 << 20 + 1, limit: 1 << 20)),
        (B.i32(-1), .frameTooSmall(size: -1)),
        (B.i32(9), .frameTooSmall(size: 9)),
    ])
    func requestSizePrefixesOutsideTheLimitsAreRejected(prefix: [UInt8], error: KafkaCodecError) {
        #expect(throws: error) { _ = try KafkaFrame.requestSize(prefix: prefix, limit: 1 << 20) }
    }

    @Test func aUUIDOfTheWrongLengthIsRefusedWhenEncoding() {
        let request = MetadataRequest(requesting: [.init(name: "t", topicId: [1, 2, 3])])
        #expect(throws: KafkaCodecError.invalidLength(field: "topics.topic_id", length: 3)) {
            try KafkaFrame.encodeRequest(request, version: 12, correlationId: 1, clientId: nil)
        }
    }
}
