import ClusterModel
import KafkaAdmin

extension ClusterReconciler {
    /// Brings Kafka's dynamic configuration to the spec (`DynamicConfigSync`) and records the
    /// outcome in `status`, the status this pass writes. Kafka out of reach is logged and asks
    /// for a requeue (the return value); it never fails the pass, whose Kubernetes side is done.
    func syncDynamicConfig(
        _ cluster: KafkaCluster, desired: DesiredState, status: inout KafkaClusterStatus,
        events: EventRecorder,
        result: inout ReconcileResult
    ) async -> Bool {
        guard let clients = configuration.dynamicConfig else { return false }
        let key = "\(cluster.metadata.namespace ?? "")/\(cluster.metadata.name)"
        let kafka: any KafkaAdminClient
        do { kafka = try await clients(cluster) } catch {
            logger.warning(
                "dynamic configuration not applied: no Kafka client for the cluster; retrying",
                metadata: ["cluster": "\(key)", "error": "\(error)"])
            return true
        }
        let outcome = await DynamicConfigSync(kafka: kafka).run(
            spec: cluster.spec, desired: desired, status: status)
        if let reason = outcome.unreachable {
            logger.warning(
                "dynamic configuration not applied: Kafka could not be asked; retrying",
                metadata: ["cluster": "\(key)", "error": "\(reason)"])
        }
        logger.debug(
            "dynamic configuration checked",
            metadata: ["cluster": "\(key)", "kafkaRequests": "\(outcome.requests)"])
        let errors = outcome.errors(after: status.dynamicConfigErrors)
        if !errors.isEmpty, errors != status.dynamicConfigErrors ?? [] {
            result.eventsRecorded += await events.record(
                dynamicConfigRefused: errors, generation: cluster.metadata.generation ?? 0)
        }
        outcome.apply(to: &status)
        return outcome.retry
    }
}
