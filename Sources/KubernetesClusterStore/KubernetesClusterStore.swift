// The Kubernetes-backed ClusterStore.
