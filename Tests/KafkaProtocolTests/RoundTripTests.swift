import KafkaProtocol
import Testing

/// Both directions of every API at every version: the client's request encoding against the
/// broker's request decoding, the broker's response encoding against the client's decoding.
/// The sample values set every field away from its default, so a field one side drops shows
/// as a byte difference at every version that carries it, and as a value difference at the
/// highest version, which carries them all.
struct RoundTripTests {
    /// One API's sample request and response, checked at each of its versions.
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let check: @Sendable () throws -> Void
        /// The sample request's frames, one per version.
        let requestFrames: @Sendable () throws -> [[UInt8]]
        var testDescription: String { name }

        static func of<Request: KafkaRequest & Equatable>(
            _ name: String, _ request: Request, _ response: Request.Response
        ) -> Row where Request.Response: Equatable {
            Row(
                name: name, check: { try roundTrip(request, response) },
                requestFrames: {
                    try Request.supportedVersions.map {
                        try KafkaFrame.encodeRequest(request, version: $0, correlationId: 1, clientId: "c")
                    }
                })
        }
    }

    static let topicId: [UInt8] = Array(1...16)

    static let rows: [Row] = [
        .of(
            "ApiVersions",
            ApiVersionsRequest(clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.16.0"),
            ApiVersionsResponse(
                errorCode: 0, apiKeys: [.init(apiKey: 3, minVersion: 1, maxVersion: 12)], throttleTimeMs: 5)),
        .of(
            "Metadata",
            MetadataRequest(
                topics: ["orders", "audit"], allowAutoTopicCreation: true,
                includeTopicAuthorizedOperations: true),
            MetadataResponse(
                throttleTimeMs: 7, brokers: [.init(nodeId: 1, host: "kafka-1", port: 9092, rack: "a")],
                clusterId: "c1", controllerId: 1,
                topics: [
                    .init(
                        errorCode: 0, name: "orders", topicId: topicId, isInternal: true,
                        partitions: [
                            .init(
                                errorCode: 9, partitionIndex: 2, leaderId: 1, leaderEpoch: 4,
                                replicaNodes: [1, 2],
                                isrNodes: [1], offlineReplicas: [2])
                        ], topicAuthorizedOperations: 8)
                ])),
        .of(
            "DescribeCluster",
            DescribeClusterRequest(includeClusterAuthorizedOperations: true, endpointType: 2),
            DescribeClusterResponse(
                throttleTimeMs: 3, errorCode: 0, errorMessage: "m", endpointType: 2, clusterId: "c",
                controllerId: 2,
                brokers: [.init(nodeId: 2, host: "h", port: 9093, rack: "r")], clusterAuthorizedOperations: 12
            )),
        .of(
            "DescribeConfigs",
            DescribeConfigsRequest(
                resources: [
                    .init(type: .broker, name: "1", keys: ["a", "b"]), .init(type: .topic, name: "t"),
                ],
                includeSynonyms: true, includeDocumentation: true),
            DescribeConfigsResponse(
                throttleTimeMs: 1,
                results: [
                    .init(
                        errorCode: 0, errorMessage: "ok", resourceType: 4, resourceName: "1",
                        configs: [
                            .init(
                                name: "log.retention.ms", value: "1", isReadOnly: true, sourceCode: 2,
                                isSensitive: true,
                                synonyms: [.init(name: "log.retention.hours", value: nil, sourceCode: 4)],
                                configType: 5,
                                documentation: "how long")
                        ])
                ])),
        .of(
            "AlterConfigs",
            AlterConfigsRequest(
                resources: [
                    .init(
                        type: .topic, name: "t",
                        configs: [.init(name: "a", value: "1"), .init(name: "b", value: nil)])
                ],
                validateOnly: true),
            AlterConfigsResponse(
                throttleTimeMs: 2,
                results: [.init(errorCode: 40, errorMessage: "bad", resourceType: 2, resourceName: "t")])),
        .of(
            "IncrementalAlterConfigs",
            IncrementalAlterConfigsRequest(
                resources: [
                    .init(
                        type: .broker, name: "1",
                        operations: [
                            .set(key: "a", value: "x"), .delete(key: "b"), .append(key: "c", value: "y"),
                            .subtract(key: "d", value: "z"),
                        ])
                ], validateOnly: true),
            IncrementalAlterConfigsResponse(
                throttleTimeMs: 2,
                results: [.init(errorCode: 0, errorMessage: nil, resourceType: 4, resourceName: "1")])),
        .of(
            "CreateTopics",
            CreateTopicsRequest(
                topics: [
                    .init(
                        name: "t", partitions: -1, replicationFactor: -1,
                        assignments: [.init(partitionIndex: 0, brokerIds: [1, 2])],
                        configs: ["a": "1", "b": "2"])
                ], timeoutMs: 1000, validateOnly: true),
            CreateTopicsResponse(
                throttleTimeMs: 4,
                results: [
                    .init(
                        name: "t", topicId: topicId, errorCode: 0, errorMessage: "m", numPartitions: 3,
                        replicationFactor: 2,
                        configs: [
                            .init(name: "a", value: "1", isReadOnly: true, sourceCode: 1, isSensitive: true)
                        ])
                ])),
        .of(
            "DeleteTopics", DeleteTopicsRequest(names: ["a", "b"], timeoutMs: 500),
            DeleteTopicsResponse(
                throttleTimeMs: 6,
                results: [.init(name: "a", topicId: topicId, errorCode: 3, errorMessage: "gone")])),
        .of(
            "CreatePartitions",
            CreatePartitionsRequest(
                topics: [
                    .init(name: "t", count: 4, assignments: [[1, 2], [2, 3]]), .init(name: "u", count: 2),
                ],
                timeoutMs: 800, validateOnly: true),
            CreatePartitionsResponse(
                throttleTimeMs: 8, results: [.init(name: "t", errorCode: 37, errorMessage: "fewer")])),
        .of(
            "DescribeLogDirs", DescribeLogDirsRequest(topics: [.init(name: "t", partitions: [0, 1])]),
            DescribeLogDirsResponse(
                throttleTimeMs: 9, errorCode: 31,
                results: [
                    .init(
                        errorCode: 0, path: "/kafka/disk0",
                        topics: [
                            .init(
                                name: "t",
                                partitions: [
                                    .init(
                                        partitionIndex: 0, partitionSize: 1 << 40, offsetLag: 3,
                                        isFutureKey: true)
                                ])
                        ], totalBytes: 1 << 41, usableBytes: 1 << 39)
                ])),
        .of(
            "DescribeAcls",
            DescribeAclsRequest(
                filter: .init(
                    resourceType: .group, resourceName: "g", patternType: .match, principal: "User:a",
                    host: "h",
                    operation: .read, permission: .deny)),
            DescribeAclsResponse(
                throttleTimeMs: 3, errorCode: 54, errorMessage: "m",
                resources: [
                    .init(
                        resourceType: .topic, resourceName: "t", patternType: .prefixed,
                        acls: [.init(principal: "User:a", host: "h", operation: .write, permission: .allow)])
                ])),
        .of(
            "CreateAcls",
            CreateAclsRequest(creations: [
                .init(
                    resourceType: .user, resourceName: "u", patternType: .prefixed, principal: "User:a",
                    host: "h",
                    operation: .alterConfigs, permission: .deny)
            ]),
            CreateAclsResponse(throttleTimeMs: 4, results: [.init(errorCode: 42, errorMessage: "m")])),
        .of(
            "DeleteAcls",
            DeleteAclsRequest(filters: [.init(resourceType: .cluster, resourceName: nil, operation: .all)]),
            DeleteAclsResponse(
                throttleTimeMs: 5,
                filterResults: [
                    .init(
                        errorCode: 0, errorMessage: "m",
                        matchingAcls: [
                            .init(
                                errorCode: 1, errorMessage: "n",
                                binding: .init(
                                    resourceType: .cluster, resourceName: "kafka-cluster",
                                    principal: "User:a",
                                    operation: .all, permission: .deny))
                        ])
                ])),
        .of(
            "SaslHandshake", SaslHandshakeRequest(mechanism: "SCRAM-SHA-512"),
            SaslHandshakeResponse(errorCode: 0, mechanisms: ["PLAIN", "SCRAM-SHA-512"])),
        .of(
            "SaslAuthenticate", SaslAuthenticateRequest(authBytes: [0, 1, 2]),
            SaslAuthenticateResponse(
                errorCode: 0, errorMessage: "m", authBytes: [3, 4], sessionLifetimeMs: 60_000)),
    ]

    @Test(arguments: rows)
    func bothDirectionsAgreeAtEveryVersion(row: Row) throws {
        try row.check()
    }

    @Test func everyApiKeyHasARow() {
        #expect(Set(Self.rows.map(\.name)) == Set(ApiKey.allCases.map(\.description)))
    }

    /// Topics named only by id exist from Metadata v10 and DeleteTopics v6; earlier versions
    /// refuse to encode them rather than send something else.
    @Test func topicsByIdRoundTripWhereTheyExistAndAreRefusedBefore() throws {
        let metadata = MetadataRequest(requesting: [.init(name: nil, topicId: Self.topicId)])
        let decoded = try decodeRequest(metadata, version: 12)
        #expect(decoded == metadata)
        #expect(throws: KafkaCodecError.notInVersion(field: "topics.topic_id", version: 9)) {
            try KafkaFrame.encodeRequest(metadata, version: 9, correlationId: 1, clientId: nil)
        }
        let delete = DeleteTopicsRequest(topics: [.init(name: nil, topicId: Self.topicId)], timeoutMs: 1)
        #expect(try decodeRequest(delete, version: 6) == delete)
        #expect(throws: KafkaCodecError.notInVersion(field: "topics.topic_id", version: 5)) {
            try KafkaFrame.encodeRequest(delete, version: 5, correlationId: 1, clientId: nil)
        }
    }

    /// Cutting a valid request anywhere gives a codec error, never a crash or a wrong success.
    @Test(arguments: rows)
    func everyTruncationOfEveryRequestIsRejected(row: Row) throws {
        for frame in try row.requestFrames() {
            let payload = Array(frame.dropFirst(4))
            for cut in 0..<payload.count {
                #expect(throws: KafkaCodecError.self, "cut at \(cut) of \(payload.count)") {
                    try decodeAny(Array(payload.prefix(cut)))
                }
            }
        }
    }
}

/// Decodes a request payload by its api key, as a broker would.
func decodeAny(_ payload: [UInt8]) throws {
    let (header, body) = try KafkaFrame.decodeRequestHeader(payload: payload)
    func decode<R: KafkaRequest>(_ type: R.Type) throws {
        _ = try KafkaFrame.decodeRequest(type, header: header, body: body)
    }
    try decode(header.apiKey.requestType)
}

func decodeRequest<R: KafkaRequest>(_ request: R, version: Int16) throws -> R {
    let frame = try KafkaFrame.encodeRequest(request, version: version, correlationId: 1, clientId: nil)
    return try KafkaFrame.decodeRequest(R.self, payload: Array(frame.dropFirst(4))).request
}

/// Request and response of one API through both sides at every supported version.
func roundTrip<Request: KafkaRequest & Equatable>(_ request: Request, _ response: Request.Response) throws
where Request.Response: Equatable {
    for version in Request.supportedVersions {
        let correlationId = Int32(version) * 100 + 1
        let requestFrame = try KafkaFrame.encodeRequest(
            request, version: version, correlationId: correlationId, clientId: "round-trip")
        let announced = try KafkaFrame.requestSize(prefix: Array(requestFrame.prefix(4)), limit: 1 << 20)
        #expect(announced == requestFrame.count - 4, "\(Request.apiKey) v\(version) request size")
        let (header, decoded) = try KafkaFrame.decodeRequest(
            Request.self, payload: Array(requestFrame.dropFirst(4)))
        #expect(
            header
                == RequestHeader(
                    apiKey: Request.apiKey, apiVersion: version, correlationId: correlationId,
                    clientId: "round-trip"))
        let reencoded = try KafkaFrame.encodeRequest(
            decoded, version: version, correlationId: correlationId, clientId: "round-trip")
        #expect(reencoded == requestFrame, "\(Request.apiKey) v\(version) request bytes")

        let responseFrame = try KafkaFrame.encodeResponse(
            response, to: Request.self, version: version, correlationId: correlationId)
        #expect(
            try KafkaFrame.responseSize(prefix: Array(responseFrame.prefix(4)), limit: 1 << 20)
                == responseFrame.count - 4)
        let (seenId, seen) = try KafkaFrame.decodeResponse(
            Request.self, version: version, payload: Array(responseFrame.dropFirst(4)))
        #expect(seenId == correlationId)
        let again = try KafkaFrame.encodeResponse(
            seen, to: Request.self, version: version, correlationId: correlationId)
        #expect(again == responseFrame, "\(Request.apiKey) v\(version) response bytes")

        if version == Request.supportedVersions.upperBound {
            #expect(decoded == request, "\(Request.apiKey) v\(version) request value")
            #expect(seen == response, "\(Request.apiKey) v\(version) response value")
        }
    }
}
