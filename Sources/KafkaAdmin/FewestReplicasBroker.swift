import KafkaProtocol

/// The broker among `candidates` that holds the fewest partition replicas, ties to the highest
/// id: the one Koperator's downScale removes when no broker is named. Candidates that hold no
/// replica at all count zero. nil when there are no candidates.
public func fewestReplicasBroker(metadata: MetadataResponse, candidates: [Int32]) -> Int32? {
    let held = replicaCounts(metadata: metadata)
    var counts: [Int32: Int] = [:]
    for candidate in candidates { counts[candidate] = held[candidate] ?? 0 }
    return counts.min { left, right in
        left.value != right.value ? left.value < right.value : left.key > right.key
    }?.key
}

/// How many partition replicas each broker holds, offline replicas included (a stopped broker
/// still holds its replicas); a broker that holds none is absent.
public func replicaCounts(metadata: MetadataResponse) -> [Int32: Int] {
    var counts: [Int32: Int] = [:]
    for topic in metadata.topics {
        for partition in topic.partitions {
            for replica in Set(partition.replicaNodes) { counts[replica, default: 0] += 1 }
        }
    }
    return counts
}
