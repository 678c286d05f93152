// The types the Kubernetes API and its clients share (paths, `Status`, list metadata) live in a
// target of their own, so the local cluster can serve them without linking this client.
@_exported import KubernetesAPITypes
