import ActionEngine
import ClusterModel

/// Turns one alert into what the operator does with it, per the alert contract: a firing alert
/// whose labels name the cluster and whose `command` annotation names an action becomes an
/// action request; the rest are recorded or rejected with the reason.
///
/// The cluster is named by the `kafka_cr` label or, for alerts from kubelet volume metrics that
/// carry only `persistentvolumeclaim` and `namespace`, by the claim's name (`BrokerClaimName`),
/// so an alert for one of the operator's own claims costs no Kubernetes read; a claim whose name
/// does not say it (Koperator's, with a random suffix) is read for its labels (`ClaimLabelFallback`).
enum AlertActionMapper {
    enum Decision: Equatable {
        /// `claim` is the claim the cluster was found through, when no `kafka_cr` label named it.
        case act(ActionRequest, claim: String?)
        /// No `kafka_cr` label, and the claim's name does not have the shape that names a
        /// cluster: the claim's labels must say it. `request.cluster` is empty until then.
        case findClaim(ActionRequest, claim: String)
        /// An alert labelled `rollingupgrade`: it counts against the cluster's rolling upgrade
        /// while it fires, and no longer once resolved.
        case countRollingUpgrade(namespace: String, cluster: String, alert: FiringAlert, firing: Bool)
        case outcome(ActionOutcome)
    }

    static func decide(_ alert: AlertmanagerWebhook.Alert) -> Decision {
        if alert.labels["rollingupgrade"] != nil { return rollingUpgrade(alert) }
        guard alert.status == .firing else {
            return .outcome(.recorded(reason: "resolved alerts are never acted on"))
        }
        let cluster: String
        var claim: String?
        if let named = alert.labels["kafka_cr"], !named.isEmpty {
            cluster = named
        } else if let claimName = alert.labels["persistentvolumeclaim"], !claimName.isEmpty {
            // Empty until the claim's labels say it, when its name does not.
            cluster = BrokerClaimName(parsing: claimName)?.cluster ?? ""
            claim = claimName
        } else {
            return .outcome(
                .rejected(
                    reason:
                        "the alert has no kafka_cr label naming the KafkaCluster, nor a persistentvolumeclaim label naming one of its disks"
                ))
        }
        guard let namespace = alert.labels["namespace"], !namespace.isEmpty else {
            return .outcome(.rejected(reason: "the alert has no namespace label"))
        }
        guard let command = alert.annotations["command"], !command.isEmpty else {
            return .outcome(.recorded(reason: "the alert has no command annotation"))
        }
        // Labels carry brokerId and persistentvolumeclaim; annotations the action's settings.
        let parameters = alert.labels.merging(alert.annotations) { _, annotation in annotation }
        let request = ActionRequest(
            command: command, namespace: namespace, cluster: cluster, parameters: parameters,
            source: .alert(fingerprint: alert.fingerprint, startsAt: alert.startsAt))
        if let claim, cluster.isEmpty { return .findClaim(request, claim: claim) }
        return .act(request, claim: claim)
    }

    /// Firing and resolved alike: a resolved notification takes the alert out of the count.
    private static func rollingUpgrade(_ alert: AlertmanagerWebhook.Alert) -> Decision {
        guard let cluster = alert.labels["kafka_cr"], !cluster.isEmpty else {
            return .outcome(
                .rejected(reason: "the rollingupgrade alert has no kafka_cr label naming the KafkaCluster"))
        }
        guard let namespace = alert.labels["namespace"], !namespace.isEmpty else {
            return .outcome(.rejected(reason: "the alert has no namespace label"))
        }
        let endsAt = alert.endsAt.flatMap { $0.isEmpty || $0.hasPrefix("0001-") ? nil : $0 }
        return .countRollingUpgrade(
            namespace: namespace, cluster: cluster,
            alert: FiringAlert(fingerprint: alert.fingerprint, startsAt: alert.startsAt, endsAt: endsAt),
            firing: alert.status == .firing)
    }
}
