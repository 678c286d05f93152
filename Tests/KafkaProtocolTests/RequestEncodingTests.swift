import KafkaProtocol
import TestSupport
import Testing

/// Request frames compared with bytes written by hand from the protocol's message schemas.
struct RequestEncodingTests {
    typealias B = Bytes

    private func frame<R: KafkaRequest>(_ request: R, version: Int16, correlationId: Int32 = 7) throws
        -> [UInt8]
    {
        try KafkaFrame.encodeRequest(request, version: version, correlationId: correlationId, clientId: "op")
    }

    /// Size prefix + request header v1 (classic) or v2 (flexible: the same plus empty tags).
    private func expected(api: Int16, version: Int16, flexible: Bool, body: [UInt8]) -> [UInt8] {
        let header = B.i16(api) + B.i16(version) + B.i32(7) + B.str("op") + (flexible ? B.noTags : [])
        return B.i32(Int32(header.count + body.count)) + header + body
    }

    @Test func apiVersionsV0HasAnEmptyBodyAndV3NamesTheClientSoftware() throws {
        #expect(
            try frame(ApiVersionsRequest(), version: 0)
                == expected(api: 18, version: 0, flexible: false, body: []))
        let v3 = ApiVersionsRequest(clientSoftwareName: "ko", clientSoftwareVersion: "1")
        // ApiVersions v3 uses request header v2; its body is two compact strings and tags.
        #expect(
            try frame(v3, version: 3)
                == expected(api: 18, version: 3, flexible: true, body: B.cstr("ko") + B.cstr("1") + B.noTags))
    }

    @Test func metadataV1SendsNullForAllTopicsAndNamesForSome() throws {
        #expect(
            try frame(MetadataRequest(topics: nil), version: 1)
                == expected(api: 3, version: 1, flexible: false, body: B.count(-1)))
        #expect(
            try frame(MetadataRequest(topics: ["a"]), version: 1)
                == expected(api: 3, version: 1, flexible: false, body: B.count(1) + B.str("a")))
    }

    @Test func metadataV8AddsAutoCreationAndAuthorizedOperationFlags() throws {
        let body = B.count(1) + B.str("a") + B.bool(false) + B.bool(false) + B.bool(false)
        #expect(
            try frame(MetadataRequest(topics: ["a"]), version: 8)
                == expected(api: 3, version: 8, flexible: false, body: body))
    }

    @Test func metadataV9IsCompactAndV12CarriesTopicIds() throws {
        let v9 =
            B.ccount(1) + B.cstr("a") + B.noTags + B.bool(false) + B.bool(false) + B.bool(false) + B.noTags
        #expect(
            try frame(MetadataRequest(topics: ["a"]), version: 9)
                == expected(api: 3, version: 9, flexible: true, body: v9))
        // v11 dropped include_cluster_authorized_operations; v10 added the topic id.
        let v12 = B.ccount(1) + B.zeroUUID + B.cstr("a") + B.noTags + B.bool(false) + B.bool(false) + B.noTags
        #expect(
            try frame(MetadataRequest(topics: ["a"]), version: 12)
                == expected(api: 3, version: 12, flexible: true, body: v12))
        #expect(
            try frame(MetadataRequest(topics: nil), version: 12)
                == expected(
                    api: 3, version: 12, flexible: true,
                    body: B.nullCstr + B.bool(false) + B.bool(false) + B.noTags))
    }

    @Test func describeClusterV0AndV1() throws {
        #expect(
            try frame(DescribeClusterRequest(), version: 0)
                == expected(api: 60, version: 0, flexible: true, body: B.bool(false) + B.noTags))
        #expect(
            try frame(DescribeClusterRequest(), version: 1)
                == expected(api: 60, version: 1, flexible: true, body: B.bool(false) + B.i8(1) + B.noTags))
    }

    @Test func describeConfigsForABrokerInClassicAndFlexibleVersions() throws {
        let request = DescribeConfigsRequest(resources: [.init(type: .broker, name: "111")])
        let v1 = B.count(1) + B.i8(4) + B.str("111") + B.count(-1) + B.bool(false)
        #expect(try frame(request, version: 1) == expected(api: 32, version: 1, flexible: false, body: v1))
        let v3 = B.count(1) + B.i8(4) + B.str("111") + B.count(-1) + B.bool(false) + B.bool(false)
        #expect(try frame(request, version: 3) == expected(api: 32, version: 3, flexible: false, body: v3))
        let v4 =
            B.ccount(1) + B.i8(4) + B.cstr("111") + B.nullCstr + B.noTags + B.bool(false) + B.bool(false)
            + B.noTags
        #expect(try frame(request, version: 4) == expected(api: 32, version: 4, flexible: true, body: v4))
    }

    @Test func describeConfigsOfTheClusterDefaultUsesTheEmptyName() throws {
        let request = DescribeConfigsRequest(resources: [.init(type: .broker, name: "", keys: ["k"])])
        let v4 =
            B.ccount(1) + B.i8(4) + B.cstr("") + B.ccount(1) + B.cstr("k") + B.noTags + B.bool(false)
            + B.bool(false) + B.noTags
        #expect(try frame(request, version: 4) == expected(api: 32, version: 4, flexible: true, body: v4))
    }

    @Test func incrementalAlterConfigsSetAndDeleteInV0AndV1() throws {
        let request = IncrementalAlterConfigsRequest(resources: [
            .init(type: .broker, name: "1", operations: [.set(key: "a", value: "x"), .delete(key: "b")])
        ])
        let v0 =
            B.count(1) + B.i8(4) + B.str("1") + B.count(2) + B.str("a") + B.i8(0) + B.str("x") + B.str("b")
            + B.i8(1)
            + B.nullStr + B.bool(false)
        #expect(try frame(request, version: 0) == expected(api: 44, version: 0, flexible: false, body: v0))
        let v1 =
            B.ccount(1) + B.i8(4) + B.cstr("1") + B.ccount(2) + B.cstr("a") + B.i8(0) + B.cstr("x") + B.noTags
            + B.cstr("b") + B.i8(1) + B.nullCstr + B.noTags + B.noTags + B.bool(false) + B.noTags
        #expect(try frame(request, version: 1) == expected(api: 44, version: 1, flexible: true, body: v1))
    }

    @Test func createTopicsInClassicV4AndFlexibleV5() throws {
        let request = CreateTopicsRequest(
            topics: [.init(name: "t", partitions: 3, replicationFactor: 2, configs: ["k": "v"])],
            timeoutMs: 1000)
        let v4 =
            B.count(1) + B.str("t") + B.i32(3) + B.i16(2) + B.count(0) + B.count(1) + B.str("k") + B.str("v")
            + B.i32(1000) + B.bool(false)
        #expect(try frame(request, version: 4) == expected(api: 19, version: 4, flexible: false, body: v4))
        let v5 =
            B.ccount(1) + B.cstr("t") + B.i32(3) + B.i16(2) + B.ccount(0) + B.ccount(1) + B.cstr("k")
            + B.cstr("v")
            + B.noTags + B.noTags + B.i32(1000) + B.bool(false) + B.noTags
        #expect(try frame(request, version: 5) == expected(api: 19, version: 5, flexible: true, body: v5))
    }

    @Test func saslHandshakeV1AndSaslAuthenticateV1AndV2() throws {
        #expect(
            try frame(SaslHandshakeRequest(mechanism: "PLAIN"), version: 1)
                == expected(api: 17, version: 1, flexible: false, body: B.str("PLAIN")))
        #expect(
            try frame(SaslAuthenticateRequest(authBytes: [1, 2]), version: 1)
                == expected(api: 36, version: 1, flexible: false, body: B.i32(2) + [1, 2]))
        #expect(
            try frame(SaslAuthenticateRequest(authBytes: [1, 2]), version: 2)
                == expected(api: 36, version: 2, flexible: true, body: [3, 1, 2] + B.noTags))
    }

    @Test func aClassicStringOver32767BytesIsRefusedNotTruncated() {
        let long = String(repeating: "x", count: 40_000)
        #expect(throws: KafkaCodecError.valueTooLong(field: "topics.name", length: 40_000)) {
            try frame(MetadataRequest(topics: [long]), version: 1)
        }
    }
}
