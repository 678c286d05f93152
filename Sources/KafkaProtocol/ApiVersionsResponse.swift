/// The broker's supported version range for each API key, including keys we do not know.
public struct ApiVersionsResponse: KafkaResponse, Equatable {
    public struct Range: Sendable, Equatable, Codable {
        public var apiKey: Int16
        public var minVersion: Int16
        public var maxVersion: Int16

        public init(apiKey: Int16, minVersion: Int16, maxVersion: Int16) {
            self.apiKey = apiKey
            self.minVersion = minVersion
            self.maxVersion = maxVersion
        }
    }

    public var errorCode: Int16
    public var apiKeys: [Range]
    public var throttleTimeMs: Int32

    public init(errorCode: Int16, apiKeys: [Range], throttleTimeMs: Int32 = 0) {
        self.errorCode = errorCode
        self.apiKeys = apiKeys
        self.throttleTimeMs = throttleTimeMs
    }

    /// What a broker that implements exactly this codec offers: every key with its supported versions.
    public static var offeredByThisCodec: ApiVersionsResponse {
        ApiVersionsResponse(
            errorCode: KafkaErrorCode.none,
            apiKeys: ApiKey.allCases.map {
                let versions = $0.requestType.supportedVersions
                return Range(
                    apiKey: $0.rawValue, minVersion: versions.lowerBound, maxVersion: versions.upperBound)
            })
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = version >= 3
        errorCode = try reader.readInt16("error_code")
        apiKeys = try reader.readArray("api_keys", flexible: flexible, minimumElementSize: 6) { reader in
            let range = Range(
                apiKey: try reader.readInt16("api_key"), minVersion: try reader.readInt16("min_version"),
                maxVersion: try reader.readInt16("max_version"))
            try reader.endStructure("api_keys", flexible: flexible)
            return range
        }
        throttleTimeMs = version >= 1 ? try reader.readInt32("throttle_time_ms") : 0
        try reader.endStructure("ApiVersionsResponse", flexible: flexible)
    }

    /// The v3 tagged fields (supported and finalized features) are not sent.
    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = version >= 3
        writer.writeInt16(errorCode)
        writer.writeArray(apiKeys, flexible: flexible) { writer, range in
            writer.writeInt16(range.apiKey)
            writer.writeInt16(range.minVersion)
            writer.writeInt16(range.maxVersion)
            writer.endStructure(flexible: flexible)
        }
        if version >= 1 { writer.writeInt32(throttleTimeMs) }
        writer.endStructure(flexible: flexible)
    }

    /// The broker's range for `key`, nil when the broker does not offer it at all.
    public func range(for key: ApiKey) -> ClosedRange<Int16>? {
        guard let entry = apiKeys.first(where: { $0.apiKey == key.rawValue }),
            entry.minVersion <= entry.maxVersion
        else { return nil }
        return entry.minVersion...entry.maxVersion
    }
}
