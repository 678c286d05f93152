import ActionEngine

/// Turns one alert into what the operator does with it, per the alert contract: a firing alert
/// whose labels name the cluster (`kafka_cr`, `namespace`) and whose `command` annotation names
/// an action becomes an action request; the rest are recorded or rejected with the reason.
enum AlertActionMapper {
    enum Decision: Equatable {
        case act(ActionRequest)
        case countRollingUpgrade(namespace: String, cluster: String)
        case outcome(ActionOutcome)
    }

    static func decide(_ alert: AlertmanagerWebhook.Alert) -> Decision {
        guard alert.status == .firing else {
            return .outcome(.recorded(reason: "resolved alerts are never acted on"))
        }
        guard let cluster = alert.labels["kafka_cr"], !cluster.isEmpty else {
            return .outcome(.rejected(reason: "the alert has no kafka_cr label naming the KafkaCluster"))
        }
        guard let namespace = alert.labels["namespace"], !namespace.isEmpty else {
            return .outcome(.rejected(reason: "the alert has no namespace label"))
        }
        if alert.labels["rollingupgrade"] != nil {
            return .countRollingUpgrade(namespace: namespace, cluster: cluster)
        }
        guard let command = alert.annotations["command"], !command.isEmpty else {
            return .outcome(.recorded(reason: "the alert has no command annotation"))
        }
        // Labels carry brokerId and persistentvolumeclaim; annotations the action's settings.
        let parameters = alert.labels.merging(alert.annotations) { _, annotation in annotation }
        return .act(
            ActionRequest(
                command: command, namespace: namespace, cluster: cluster, parameters: parameters,
                source: .alert(fingerprint: alert.fingerprint, startsAt: alert.startsAt)))
    }
}
