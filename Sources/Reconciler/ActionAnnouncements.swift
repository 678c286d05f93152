import ClusterModel

/// Which recorded actions still need their `ActionApplied` Event on the KafkaCluster.
///
/// The action engine records each accepted action in `status.actionLog` and never talks to
/// Kubernetes; the reconciler announces them. `status.announcedActionsThrough` (the id of the
/// newest announced record) is the reconciler's marker, written with its status patch, so a
/// pass with nothing new writes nothing. Event names derive from the record's id, so a crash
/// between the Event and the marker repeats the create, which the API refuses as a duplicate.
enum ActionAnnouncements {
    /// The records newer than the marker, oldest first. Without a marker, or with one that has
    /// aged out of the bounded log, every accepted record is new.
    static func pending(actionLog: [ActionRecord], announcedThrough marker: String?) -> [ActionRecord] {
        let accepted = actionLog.filter { $0.outcome == "accepted" }
        guard let marker, let index = accepted.firstIndex(where: { $0.id == marker }) else { return accepted }
        return Array(accepted[accepted.index(after: index)...])
    }

    /// The Event name for a record: a DNS subdomain derived from the cluster and the record id.
    static func eventName(cluster: String, record: ActionRecord) -> String {
        let id = record.id.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return "\(cluster).action.\(String(id))"
    }
}
