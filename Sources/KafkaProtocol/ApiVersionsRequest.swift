/// ApiVersions (key 18): which APIs and versions the broker supports. v0–v2 are empty; v3
/// (flexible) names the client software.
public struct ApiVersionsRequest: KafkaRequest, Equatable {
    public typealias Response = ApiVersionsResponse
    public static let apiKey = ApiKey.apiVersions
    public static let supportedVersions: ClosedRange<Int16> = 0...3
    public static let firstFlexibleVersion: Int16? = 3

    public var clientSoftwareName: String
    public var clientSoftwareVersion: String

    public init(clientSoftwareName: String = "kafka-operator", clientSoftwareVersion: String = "1.0.0") {
        self.clientSoftwareName = clientSoftwareName
        self.clientSoftwareVersion = clientSoftwareVersion
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        guard version >= 3 else { return }
        try writer.writeString(clientSoftwareName, flexible: true, field: "client_software_name")
        try writer.writeString(clientSoftwareVersion, flexible: true, field: "client_software_version")
        writer.writeEmptyTaggedFields()
    }

    /// Before v3 the body is empty and the software is unknown: both names read as "".
    public init(from reader: inout WireReader, version: Int16) throws {
        guard version >= 3 else {
            self.init(clientSoftwareName: "", clientSoftwareVersion: "")
            return
        }
        self.init(
            clientSoftwareName: try reader.readString("client_software_name", flexible: true),
            clientSoftwareVersion: try reader.readString("client_software_version", flexible: true))
        try reader.skipTaggedFields("ApiVersionsRequest")
    }
}
