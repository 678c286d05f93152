import KafkaProtocol
import TestSupport
import Testing

/// CreateAcls, DescribeAcls and DeleteAcls against bytes written by hand from the message
/// schemas: v1 classic, v2 and v3 flexible (the same fields; v3 only allows the USER type).
struct AclCodecTests {
    typealias B = Bytes

    static let binding = AclBinding(
        resourceType: .topic, resourceName: "orders", patternType: .prefixed, principal: "User:alice",
        host: "*", operation: .read, permission: .allow)
    /// The binding's seven fields, classic and compact.
    static let bindingV1 =
        B.i8(2) + B.str("orders") + B.i8(4) + B.str("User:alice") + B.str("*") + B.i8(3) + B.i8(3)
    static let bindingV2 =
        B.i8(2) + B.cstr("orders") + B.i8(4) + B.cstr("User:alice") + B.cstr("*") + B.i8(3) + B.i8(3)
    /// MATCH on topic "orders" for any principal and host, any operation, DENY.
    static let filter = AclBindingFilter(
        resourceType: .topic, resourceName: "orders", patternType: .match, operation: .any, permission: .deny)
    static let filterV1 = B.i8(2) + B.str("orders") + B.i8(2) + B.nullStr + B.nullStr + B.i8(1) + B.i8(2)
    static let filterV2 = B.i8(2) + B.cstr("orders") + B.i8(2) + B.nullCstr + B.nullCstr + B.i8(1) + B.i8(2)

    private func frame<R: KafkaRequest>(_ request: R, version: Int16) throws -> [UInt8] {
        try KafkaFrame.encodeRequest(request, version: version, correlationId: 7, clientId: "op")
    }

    private func requestFrame(api: Int16, version: Int16, body: [UInt8]) -> [UInt8] {
        let header = B.i16(api) + B.i16(version) + B.i32(7) + B.str("op") + (version >= 2 ? B.noTags : [])
        return B.i32(Int32(header.count + body.count)) + header + body
    }

    private func decodeResponse<R: KafkaRequest>(_ type: R.Type, version: Int16, _ body: [UInt8]) throws
        -> R.Response
    {
        let payload = B.i32(9) + (version >= 2 ? B.noTags : []) + body
        return try KafkaFrame.decodeResponse(type, version: version, payload: payload).response
    }

    // MARK: - Requests

    @Test(arguments: [1, 2, 3] as [Int16])
    func createAclsCarriesEachBindingsSevenFields(version: Int16) throws {
        let body =
            version == 1
            ? B.count(1) + Self.bindingV1 : B.ccount(1) + Self.bindingV2 + B.noTags + B.noTags
        let request = CreateAclsRequest(creations: [Self.binding])
        #expect(try frame(request, version: version) == requestFrame(api: 30, version: version, body: body))
        let decoded = try KafkaFrame.decodeRequest(
            CreateAclsRequest.self,
            payload: Array(requestFrame(api: 30, version: version, body: body).dropFirst(4)))
        #expect(decoded.request == request)
    }

    @Test(arguments: [1, 2, 3] as [Int16])
    func describeAclsCarriesOneFilterWithNullsForAny(version: Int16) throws {
        let body = version == 1 ? Self.filterV1 : Self.filterV2 + B.noTags
        let request = DescribeAclsRequest(filter: Self.filter)
        #expect(try frame(request, version: version) == requestFrame(api: 29, version: version, body: body))
        let decoded = try KafkaFrame.decodeRequest(
            DescribeAclsRequest.self,
            payload: Array(requestFrame(api: 29, version: version, body: body).dropFirst(4)))
        #expect(decoded.request == request)
    }

    @Test(arguments: [1, 2, 3] as [Int16])
    func deleteAclsCarriesEachFilter(version: Int16) throws {
        let exact = AclBindingFilter(exactly: Self.binding)
        let body =
            version == 1
            ? B.count(2) + Self.filterV1 + Self.bindingV1
            : B.ccount(2) + Self.filterV2 + B.noTags + Self.bindingV2 + B.noTags + B.noTags
        let request = DeleteAclsRequest(filters: [Self.filter, exact])
        #expect(try frame(request, version: version) == requestFrame(api: 31, version: version, body: body))
        let decoded = try KafkaFrame.decodeRequest(
            DeleteAclsRequest.self,
            payload: Array(requestFrame(api: 31, version: version, body: body).dropFirst(4)))
        #expect(decoded.request == request)
    }

    /// Kafka refuses to build, and to parse, an ACL message holding UNKNOWN (code 0).
    @Test func unknownCodesAreRefusedBothWays() throws {
        var unknownOperation = Self.binding
        unknownOperation.operation = .unknown
        #expect(throws: KafkaCodecError.invalidValue(field: "creations.operation", value: 0)) {
            try frame(CreateAclsRequest(creations: [unknownOperation]), version: 2)
        }
        #expect(throws: KafkaCodecError.invalidValue(field: "pattern_type_filter", value: 0)) {
            try frame(DescribeAclsRequest(filter: AclBindingFilter(patternType: .unknown)), version: 1)
        }
        var zeroPermission = Self.filterV2
        zeroPermission[zeroPermission.count - 1] = 0
        let payload = Array(
            requestFrame(api: 31, version: 2, body: B.ccount(1) + zeroPermission + B.noTags + B.noTags)
                .dropFirst(4))
        #expect(throws: KafkaCodecError.invalidValue(field: "filters.permission_type", value: 0)) {
            try decodeAny(payload)
        }
        let response =
            B.i32(0) + B.i16(0) + B.nullStr + B.count(1) + B.i8(0) + B.str("x") + B.i8(3) + B.count(0)
        #expect(throws: KafkaCodecError.invalidValue(field: "resources.resource_type", value: 0)) {
            try decodeResponse(DescribeAclsRequest.self, version: 1, response)
        }
    }

    /// A code Kafka does not define travels unchanged, so the broker can refuse it with its
    /// own error; it reads as UNKNOWN, as Kafka's `fromCode` reads it.
    @Test func undefinedCodesTravelUnchangedAndReadAsUnknown() throws {
        var body = B.count(1) + Self.bindingV1
        body[4] = 99  // the resource type
        let payload = Array(requestFrame(api: 30, version: 1, body: body).dropFirst(4))
        let request = try KafkaFrame.decodeRequest(CreateAclsRequest.self, payload: payload).request
        let type = try #require(request.creations.first?.resourceType)
        #expect(type.rawValue == 99)
        #expect(type.isUnknown)
        #expect(type.description == "UNKNOWN")
        #expect(try frame(request, version: 1) == requestFrame(api: 30, version: 1, body: body))
        #expect(AclOperation(rawValue: -3).description == "UNKNOWN")
        #expect(AclOperation.describeConfigs.description == "DESCRIBE_CONFIGS")
        #expect(AclResourceType.transactionalId.description == "TRANSACTIONAL_ID")
        #expect(!AclPermissionType.allow.isUnknown)
    }

    @Test(
        arguments: [
            ("CreateAcls count past the end", 30, Int16(1), B.count(1_000), "creations", 1_000),
            ("DeleteAcls count past the end", 31, Int16(2), [0xF5, 0x03], "filters", 500),  // varint 501
        ] as [(String, Int16, Int16, [UInt8], String, Int)])
    func hostileCountsAreRejectedBeforeAllocating(
        name: String, api: Int16, version: Int16, body: [UInt8], field: String, length: Int
    ) {
        let payload = Array(requestFrame(api: api, version: version, body: body).dropFirst(4))
        #expect(throws: KafkaCodecError.invalidLength(field: field, length: length), "\(name)") {
            try decodeAny(payload)
        }
    }

    // MARK: - Responses

    @Test func createAclsResponseHasAResultPerCreation() throws {
        let expected = CreateAclsResponse(
            throttleTimeMs: 5,
            results: [.init(), .init(errorCode: 42, errorMessage: "Invalid empty resource name")])
        let v1 =
            B.i32(5) + B.count(2) + B.i16(0) + B.nullStr + B.i16(42) + B.str("Invalid empty resource name")
        #expect(try decodeResponse(CreateAclsRequest.self, version: 1, v1) == expected)
        let v2 =
            B.i32(5) + B.ccount(2) + B.i16(0) + B.nullCstr + B.noTags + B.i16(42)
            + B.cstr("Invalid empty resource name") + B.noTags + B.noTags
        #expect(try decodeResponse(CreateAclsRequest.self, version: 2, v2) == expected)
        #expect(
            try KafkaFrame.encodeResponse(expected, to: CreateAclsRequest.self, version: 2, correlationId: 9)
                == B.i32(Int32(5 + v2.count)) + B.i32(9) + B.noTags + v2)
    }

    @Test func describeAclsResponseGroupsBindingsByResourcePattern() throws {
        let other = AclBinding(
            resourceType: .topic, resourceName: "orders", patternType: .prefixed, principal: "User:bob",
            host: "10.0.0.1", operation: .write, permission: .deny)
        let group = AclBinding(
            resourceType: .group, resourceName: "g", principal: "User:alice", operation: .read)
        let response = DescribeAclsResponse(bindings: [Self.binding, group, other])
        #expect(response.resources.map(\.resourceName) == ["orders", "g"])
        #expect(response.bindings == [Self.binding, other, group])
        let ordersV1 =
            B.i8(2) + B.str("orders") + B.i8(4) + B.count(2) + B.str("User:alice") + B.str("*") + B.i8(3)
            + B.i8(3)
            + B.str("User:bob") + B.str("10.0.0.1") + B.i8(4) + B.i8(2)
        let groupV1 =
            B.i8(3) + B.str("g") + B.i8(3) + B.count(1) + B.str("User:alice") + B.str("*") + B.i8(3) + B.i8(3)
        let v1 = B.i32(0) + B.i16(0) + B.nullStr + B.count(2) + ordersV1 + groupV1
        #expect(try decodeResponse(DescribeAclsRequest.self, version: 1, v1) == response)
        let ordersV3 =
            B.i8(2) + B.cstr("orders") + B.i8(4) + B.ccount(2) + B.cstr("User:alice") + B.cstr("*") + B.i8(3)
            + B.i8(3) + B.noTags + B.cstr("User:bob") + B.cstr("10.0.0.1") + B.i8(4) + B.i8(2) + B.noTags
            + B.noTags
        let groupV3 =
            B.i8(3) + B.cstr("g") + B.i8(3) + B.ccount(1) + B.cstr("User:alice") + B.cstr("*") + B.i8(3)
            + B.i8(3)
            + B.noTags + B.noTags
        let v3 = B.i32(0) + B.i16(0) + B.nullCstr + B.ccount(2) + ordersV3 + groupV3 + B.noTags
        #expect(try decodeResponse(DescribeAclsRequest.self, version: 3, v3) == response)
        let refused = B.i32(0) + B.i16(54) + B.str("No Authorizer is configured on the broker") + B.count(0)
        #expect(
            try decodeResponse(DescribeAclsRequest.self, version: 1, refused)
                == DescribeAclsResponse(
                    errorCode: 54, errorMessage: "No Authorizer is configured on the broker", resources: []))
    }

    @Test func deleteAclsResponseListsWhatEachFilterMatched() throws {
        let expected = DeleteAclsResponse(filterResults: [
            .init(matchingAcls: [.init(binding: Self.binding)]),
            .init(errorCode: 42, errorMessage: "Unknown entryFilter."),
        ])
        let v1 =
            B.i32(0) + B.count(2) + B.i16(0) + B.nullStr + B.count(1) + B.i16(0) + B.nullStr + Self.bindingV1
            + B.i16(42) + B.str("Unknown entryFilter.") + B.count(0)
        #expect(try decodeResponse(DeleteAclsRequest.self, version: 1, v1) == expected)
        let v2 =
            B.i32(0) + B.ccount(2) + B.i16(0) + B.nullCstr + B.ccount(1) + B.i16(0) + B.nullCstr
            + Self.bindingV2
            + B.noTags + B.noTags + B.i16(42) + B.cstr("Unknown entryFilter.") + B.ccount(0) + B.noTags
            + B.noTags
        #expect(try decodeResponse(DeleteAclsRequest.self, version: 2, v2) == expected)
    }

    /// Kafka compares names, principals and hosts as Java strings: Unicode-equivalent
    /// spellings with different bytes are different ACLs.
    @Test func bindingsAndFiltersAreEqualOnlyWithTheSameBytes() {
        var decomposed = Self.binding
        decomposed.resourceName = "ord\u{65}\u{301}rs"
        var precomposed = Self.binding
        precomposed.resourceName = "ord\u{e9}rs"
        #expect(decomposed.resourceName == precomposed.resourceName, "Swift's String == equates them")
        #expect(decomposed != precomposed)
        #expect(Set([decomposed, precomposed]).count == 2)
        #expect(AclBindingFilter(exactly: decomposed) != AclBindingFilter(exactly: precomposed))
        #expect(AclBindingFilter(principal: "User:\u{e9}") != AclBindingFilter(principal: "User:e\u{301}"))
        #expect(AclBindingFilter(principal: nil) != AclBindingFilter(principal: ""))
        #expect(decomposed == decomposed)
    }

    @Test func theCodecOffersTheAclApisAtVersionsOneToThree() {
        let offered = ApiVersionsResponse.offeredByThisCodec
        #expect(offered.range(for: .describeAcls) == 1...3)
        #expect(offered.range(for: .createAcls) == 1...3)
        #expect(offered.range(for: .deleteAcls) == 1...3)
    }
}
