import ClusterModel

extension EventRecorder {
    /// Says which dynamic config keys Kafka did not take (or the operator does not set
    /// dynamically), and that the rest is applied without a restart: once per generation of
    /// the spec and list of refusals (brokers that become Ready later can add to the list).
    func record(dynamicConfigRefused errors: [String], generation: Int) async -> Int {
        await record(
            reason: "DynamicConfigRefused",
            message: "Dynamic configuration applied except: \(errors.joined(separator: "; ")); "
                + "no broker is restarted",
            name:
                "\(cluster.metadata.name).dynamic-config.\(generation).\(StableHash(errors.joined(separator: "\n")))",
            type: "Warning")
    }
}
