import ClusterModel
import JSON
import Kubernetes

/// Renders the objects a KafkaCluster should have. Pure: the same cluster and uid always give
/// the same objects, names and hashes.
public struct DesiredStateRenderer: Sendable {
    /// The image used when neither the broker, its group nor the cluster names one.
    public var defaultImage: String

    public init(defaultImage: String = ResourceConventions.defaultImage) {
        self.defaultImage = defaultImage
    }

    /// `uid` is the KafkaCluster's, for the owner references. `existingClaims` names claims
    /// that already hold a broker's disk (broker → mount path → claim name): a disk keeps its
    /// claim even if disks before it were inserted or removed, which would change its index.
    public func render(
        _ cluster: KafkaCluster, uid: String, existingClaims: [Int32: [String: String]] = [:]
    ) -> DesiredState {
        let name = cluster.metadata.name
        let namespace = cluster.metadata.namespace ?? "default"
        let owner = ResourceConventions.ownerReference(cluster: name, uid: uid)
        let context = Context(
            cluster: cluster, name: name, namespace: namespace, owner: owner, existingClaims: existingClaims)
        let brokers = cluster.spec.brokers.sorted { $0.id < $1.id }.map { render(broker: $0, context) }
        let components = ComponentContext(
            cluster: cluster, namespace: namespace, owner: owner, brokers: brokers)
        return DesiredState(
            clusterName: name, namespace: namespace, owner: owner, brokers: brokers,
            clusterObjects: ClusterComponents.all.flatMap { $0.render(components) })
    }

    private struct Context {
        let cluster: KafkaCluster
        let name: String
        let namespace: String
        let owner: OwnerReference
        let existingClaims: [Int32: [String: String]]
        var spec: KafkaClusterSpec { cluster.spec }

        func metadata(_ objectName: String, labels: [String: String], annotations: [String: String]? = nil)
            -> Kubernetes.ObjectMeta
        {
            Kubernetes.ObjectMeta(
                name: objectName, namespace: namespace, labels: labels, annotations: annotations,
                ownerReferences: [owner])
        }
    }

    private func render(broker: Broker, _ context: Context) -> BrokerResources {
        let id = broker.id
        let labels = ResourceConventions.brokerLabels(cluster: context.name, broker: id)
        let properties = ServerProperties(
            cluster: context.spec, broker: broker, clusterName: context.name, namespace: context.namespace)
        let configMap = Self.stamped(
            ConfigMap(
                metadata: context.metadata(
                    ResourceConventions.configMapName(cluster: context.name, broker: id), labels: labels),
                data: [ResourceConventions.brokerConfigKey: properties.text]))

        let disks = context.spec.effectiveStorage(of: broker)
        var volumes: [PersistentVolumeClaim] = []
        var podVolumes: [Volume] = []
        var mounts: [VolumeMount] = []
        for (index, disk) in disks.enumerated() {
            let volumeName = "storage-\(index)-\(StableHash(disk.mountPath).short)"
            mounts.append(VolumeMount(name: volumeName, mountPath: disk.mountPath))
            guard let pvcSpec = disk.pvcSpec else {
                // A disk without a claim spec is scratch space for the pod's lifetime.
                podVolumes.append(Volume(name: volumeName, emptyDir: Volume.EmptyDirSource()))
                continue
            }
            let claimName =
                context.existingClaims[id]?[disk.mountPath]
                ?? ResourceConventions.claimName(
                    cluster: context.name, broker: id, index: index, mountPath: disk.mountPath)
            var spec = PersistentVolumeClaim.Spec(
                accessModes: pvcSpec.accessModes ?? ["ReadWriteOnce"],
                storageClassName: pvcSpec.storageClassName)
            if let requests = pvcSpec.resources?.requests {
                spec.resources = PersistentVolumeClaim.ResourceRequirements(requests: requests)
            }
            volumes.append(
                Self.stamped(
                    PersistentVolumeClaim(
                        metadata: context.metadata(
                            claimName, labels: labels,
                            annotations: [ResourceConventions.mountPathAnnotation: disk.mountPath]),
                        spec: spec)))
            podVolumes.append(
                Volume(name: volumeName, persistentVolumeClaim: Volume.ClaimSource(claimName: claimName)))
        }
        podVolumes.append(
            Volume(name: "broker-config", configMap: Volume.ConfigMapSource(name: configMap.name)))
        mounts.append(VolumeMount(name: "broker-config", mountPath: ResourceConventions.configMountPath))

        let listeners = BrokerListeners(context.spec)
        let portNames = BrokerListeners.portNames(listeners.all)
        let group = broker.brokerConfigGroup.flatMap { context.spec.brokerConfigGroups?[$0] }
        var container = Container(
            name: "kafka",
            image: broker.brokerConfig?.image ?? group?.image ?? context.spec.clusterImage ?? defaultImage)
        container.command = [
            "/opt/kafka/bin/kafka-server-start.sh",
            "\(ResourceConventions.configMountPath)/\(ResourceConventions.brokerConfigKey)",
        ]
        container.ports = zip(listeners.all, portNames).map { listener, portName in
            ContainerPort(name: portName, containerPort: Int32(clamping: listener.port), protocol: "TCP")
        }
        container.volumeMounts = mounts
        container.resources = broker.brokerConfig?.resourceRequirements ?? group?.resourceRequirements
        var probe = Probe(
            tcpSocket: Probe.TCPSocketAction(port: .int(Int32(clamping: listeners.interBroker.port))),
            initialDelaySeconds: 10, periodSeconds: 10)
        probe.timeoutSeconds = 5
        container.readinessProbe = probe

        var podSpec = PodSpec(containers: [container], volumes: podVolumes)
        podSpec.hostname = ResourceConventions.serviceName(cluster: context.name, broker: id)
        podSpec.subdomain = ResourceConventions.headlessServiceName(cluster: context.name)
        podSpec.nodeSelector = broker.brokerConfig?.nodeSelector ?? group?.nodeSelector
        podSpec.restartPolicy = "Always"
        // Time for a controlled shutdown: leadership moves off the broker before it stops.
        podSpec.terminationGracePeriodSeconds = 120

        let configHash = StableHash(json: properties.readOnlyPart)
        var pod = Pod(
            metadata: context.metadata(
                "", labels: labels,
                annotations: [ResourceConventions.configHashAnnotation: configHash.description]),
            spec: podSpec)
        pod.metadata.name = ResourceConventions.podName(
            cluster: context.name, broker: id, hash: StableHash(json: pod))
        pod = Self.stamped(pod)

        var serviceSpec = Service.Spec(
            type: "ClusterIP", selector: labels, ports: Self.servicePorts(listeners, portNames))
        serviceSpec.publishNotReadyAddresses = nil
        let service = Self.stamped(
            Service(
                metadata: context.metadata(
                    ResourceConventions.serviceName(cluster: context.name, broker: id), labels: labels),
                spec: serviceSpec))

        return BrokerResources(
            brokerID: id, configMap: configMap, volumes: volumes, pod: pod, service: service,
            serverProperties: properties)
    }

    static func servicePorts(_ listeners: BrokerListeners, _ names: [String]) -> [Service.Port] {
        zip(listeners.all, names).map { listener, portName in
            Service.Port(
                name: portName, port: Int32(clamping: listener.port),
                targetPort: .int(Int32(clamping: listener.port)), protocol: "TCP")
        }
    }

    /// Sets the spec-hash annotation: the hash of everything else about the object.
    static func stamped<Object: KubernetesObject>(_ object: Object) -> Object {
        var object = object
        object.stampTypeMeta()
        object.metadata.annotations?[ResourceConventions.specHashAnnotation] = nil
        let hash = StableHash(json: object)
        var annotations = object.metadata.annotations ?? [:]
        annotations[ResourceConventions.specHashAnnotation] = hash.description
        object.metadata.annotations = annotations
        return object
    }
}
