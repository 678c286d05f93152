import ClusterModel
import Kubernetes

/// The brokers' PodDisruptionBudget `<cluster>-pdb`, when `spec.disruptionBudget.create` is
/// set: a node drain may take down at most the budget's brokers at once, and never the last
/// one. Its `minAvailable` follows the broker count, so scaling updates it.
struct BrokerDisruptionBudget: ClusterComponent {
    func render(_ context: ComponentContext) -> [OwnedObject] {
        guard let budget = context.spec.disruptionBudget, budget.create == true,
            let minAvailable = budget.minAvailable(brokers: context.spec.brokers.count)
        else { return [] }
        let selector = LabelSelector(matchLabels: ResourceConventions.clusterLabels(cluster: context.name))
        return [
            context.stamped(
                PodDisruptionBudget(
                    metadata: context.metadata(
                        ResourceConventions.disruptionBudgetName(cluster: context.name)),
                    spec: PodDisruptionBudget.Spec(
                        selector: selector, minAvailable: .int(Int32(clamping: minAvailable)))))
        ]
    }
}
