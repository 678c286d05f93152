/// The answering broker's log directories and the partitions in each.
public struct DescribeLogDirsResponse: KafkaResponse, Equatable {
    public struct Partition: Sendable, Equatable {
        public var partitionIndex: Int32
        public var partitionSize: Int64
        public var offsetLag: Int64
        /// True for the copy a replica move between directories is building.
        public var isFutureKey: Bool

        public init(
            partitionIndex: Int32, partitionSize: Int64, offsetLag: Int64 = 0, isFutureKey: Bool = false
        ) {
            self.partitionIndex = partitionIndex
            self.partitionSize = partitionSize
            self.offsetLag = offsetLag
            self.isFutureKey = isFutureKey
        }
    }

    public struct Topic: Sendable, Equatable {
        public var name: String
        public var partitions: [Partition]

        public init(name: String, partitions: [Partition]) {
            self.name = name
            self.partitions = partitions
        }
    }

    public struct LogDir: Sendable, Equatable {
        public var errorCode: Int16
        public var path: String
        public var topics: [Topic]
        /// v4+; -1 when unknown.
        public var totalBytes: Int64
        /// v4+; -1 when unknown.
        public var usableBytes: Int64

        public init(
            errorCode: Int16 = 0, path: String, topics: [Topic], totalBytes: Int64 = -1,
            usableBytes: Int64 = -1
        ) {
            self.errorCode = errorCode
            self.path = path
            self.topics = topics
            self.totalBytes = totalBytes
            self.usableBytes = usableBytes
        }
    }

    public var throttleTimeMs: Int32
    /// v3+: an error for the whole request.
    public var errorCode: Int16
    public var results: [LogDir]

    public init(throttleTimeMs: Int32 = 0, errorCode: Int16 = 0, results: [LogDir]) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.results = results
    }

    public init(from reader: inout WireReader, version: Int16) throws {
        let flexible = DescribeLogDirsRequest.isFlexible(version)
        throttleTimeMs = try reader.readInt32("throttle_time_ms")
        errorCode = version >= 3 ? try reader.readInt16("error_code") : 0
        results = try reader.readArray("results", flexible: flexible, minimumElementSize: 4) { reader in
            let errorCode = try reader.readInt16("results.error_code")
            let path = try reader.readString("results.log_dir", flexible: flexible)
            let topics = try reader.readArray("results.topics", flexible: flexible, minimumElementSize: 2) {
                reader in
                let name = try reader.readString("topics.name", flexible: flexible)
                let partitions = try reader.readArray(
                    "topics.partitions", flexible: flexible, minimumElementSize: 21
                ) { reader in
                    let partition = Partition(
                        partitionIndex: try reader.readInt32("partitions.partition_index"),
                        partitionSize: try reader.readInt64("partitions.partition_size"),
                        offsetLag: try reader.readInt64("partitions.offset_lag"),
                        isFutureKey: try reader.readBool("partitions.is_future_key"))
                    try reader.endStructure("partitions", flexible: flexible)
                    return partition
                }
                try reader.endStructure("topics", flexible: flexible)
                return Topic(name: name, partitions: partitions)
            }
            let total = version >= 4 ? try reader.readInt64("results.total_bytes") : -1
            let usable = version >= 4 ? try reader.readInt64("results.usable_bytes") : -1
            try reader.endStructure("results", flexible: flexible)
            return LogDir(
                errorCode: errorCode, path: path, topics: topics, totalBytes: total, usableBytes: usable)
        }
        try reader.endStructure("DescribeLogDirsResponse", flexible: flexible)
    }

    public func encode(into writer: inout WireWriter, version: Int16) throws {
        let flexible = DescribeLogDirsRequest.isFlexible(version)
        writer.writeInt32(throttleTimeMs)
        if version >= 3 { writer.writeInt16(errorCode) }
        try writer.writeArray(results, flexible: flexible) { writer, logDir in
            writer.writeInt16(logDir.errorCode)
            try writer.writeString(logDir.path, flexible: flexible, field: "results.log_dir")
            try writer.writeArray(logDir.topics, flexible: flexible) { writer, topic in
                try writer.writeString(topic.name, flexible: flexible, field: "topics.name")
                writer.writeArray(topic.partitions, flexible: flexible) { writer, partition in
                    writer.writeInt32(partition.partitionIndex)
                    writer.writeInt64(partition.partitionSize)
                    writer.writeInt64(partition.offsetLag)
                    writer.writeBool(partition.isFutureKey)
                    writer.endStructure(flexible: flexible)
                }
                writer.endStructure(flexible: flexible)
            }
            if version >= 4 {
                writer.writeInt64(logDir.totalBytes)
                writer.writeInt64(logDir.usableBytes)
            }
            writer.endStructure(flexible: flexible)
        }
        writer.endStructure(flexible: flexible)
    }
}
