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
    ///
    /// A disk taken out of a staying broker's spec whose claim exists stays mounted and in
    /// `log.dirs` until its volume state is `GracefulDiskRemovalSucceeded` (its replicas moved
    /// off): the pod is not replaced without a directory that still holds data.
    /// `externalHosts` are the addresses external listeners advertise (`ExternalAccess.hosts`);
    /// `nodePorts` what Kubernetes assigned that NodePort listeners advertise.
    public func render(
        _ cluster: KafkaCluster, uid: String, existingClaims: [Int32: [String: String]] = [:],
        claimSizes: [String: String] = [:], externalHosts: [String: String] = [:],
        nodePorts: NodePortAssignments = NodePortAssignments()
    ) -> DesiredState {
        let name = cluster.metadata.name
        let namespace = cluster.metadata.namespace ?? "default"
        let owner = ResourceConventions.ownerReference(cluster: name, uid: uid)
        let context = Context(
            cluster: cluster, name: name, namespace: namespace, owner: owner, existingClaims: existingClaims,
            claimSizes: claimSizes, externalHosts: externalHosts, nodePorts: nodePorts)
        let brokers = cluster.spec.brokers.sorted { $0.id < $1.id }.map { render(broker: $0, context) }
        let components = ComponentContext(
            cluster: cluster, namespace: namespace, owner: owner, brokers: brokers)
        return DesiredState(
            clusterName: name, namespace: namespace, owner: owner, brokers: brokers,
            clusterObjects: ClusterComponents.all.flatMap { $0.render(components) })
    }

    /// The broker's disks that left its spec but whose data has not moved off yet: each with a
    /// claim, and no `GracefulDiskRemovalSucceeded` state. Sorted by mount path.
    private static func disksBeingRemoved(of broker: Broker, _ context: Context) -> [(
        mountPath: String, claim: String
    )] {
        let claims = context.existingClaims[broker.id] ?? [:]
        guard !claims.isEmpty else { return [] }
        let inSpec = Set(context.spec.effectiveStorage(of: broker).map(\.mountPath))
        let graceful = context.cluster.status?.brokersState?[String(broker.id)]?.gracefulActionState
        return claims.filter { mountPath, _ in
            !inSpec.contains(mountPath) && graceful?.volumeState(mountPath) != .diskRemovalSucceeded
        }.sorted { $0.key < $1.key }.map { (mountPath: $0.key, claim: $0.value) }
    }

    /// The node whose address the broker advertises on a NodePort listener, when it does.
    private static func advertisedNode(of broker: Broker, _ context: Context) -> String? {
        guard let node = context.nodePorts.brokerNodes[broker.id] else { return nil }
        let advertises = ExternalAccess.nodePortListeners(context.spec).contains { listener in
            ExternalAccess.advertisesNodeAddress(context.spec, listener: listener, broker: broker)
                && ExternalAccess.nodePortAddress(
                    context.spec, listener: listener, broker: broker, cluster: context.name,
                    namespace: context.namespace, assigned: context.nodePorts) != nil
        }
        return advertises ? node : nil
    }

    private struct Context {
        let cluster: KafkaCluster
        let name: String
        let namespace: String
        let owner: OwnerReference
        let existingClaims: [Int32: [String: String]]
        /// Claim name → its requested storage, for the disks being removed.
        let claimSizes: [String: String]
        let externalHosts: [String: String]
        let nodePorts: NodePortAssignments
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
        let spec = context.spec
        let config = spec.effectiveConfig(of: broker)
        let labels = ResourceConventions.brokerLabels(cluster: context.name, broker: id)
        let kept = Self.disksBeingRemoved(of: broker, context)
        let properties = ServerProperties(
            cluster: spec, broker: broker, clusterName: context.name, namespace: context.namespace,
            keptMountPaths: kept.map(\.mountPath), externalHosts: context.externalHosts,
            nodePorts: context.nodePorts)
        var configData = [
            ResourceConventions.brokerConfigKey: properties.text,
            ResourceConventions.jmxExporterConfigKey: spec.monitoringConfig?.kafkaJMXExporterConfig
                ?? JMXExporterConfig.brokerDefault,
        ]
        configData[ResourceConventions.log4jConfigKey] = config.log4jConfig
        let configMap = Self.stamped(
            ConfigMap(
                metadata: context.metadata(
                    ResourceConventions.configMapName(cluster: context.name, broker: id), labels: labels,
                    annotations: Self.advertisedNode(of: broker, context).map {
                        [NodePortAssignments.nodeAnnotation: $0]
                    }),
                data: configData))

        let disks = spec.effectiveStorage(of: broker)
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
            var claimSpec = PersistentVolumeClaim.Spec(
                accessModes: pvcSpec.accessModes ?? ["ReadWriteOnce"],
                storageClassName: pvcSpec.storageClassName)
            if let requests = pvcSpec.resources?.requests {
                claimSpec.resources = PersistentVolumeClaim.ResourceRequirements(requests: requests)
            }
            volumes.append(
                Self.stamped(
                    PersistentVolumeClaim(
                        metadata: context.metadata(
                            claimName, labels: labels,
                            annotations: [ResourceConventions.mountPathAnnotation: disk.mountPath]),
                        spec: claimSpec)))
            podVolumes.append(
                Volume(name: volumeName, persistentVolumeClaim: Volume.ClaimSource(claimName: claimName)))
        }
        // Mounted after the spec's disks; the claim itself is not rendered (it is kept as it is).
        for (offset, disk) in kept.enumerated() {
            let volumeName = "storage-\(disks.count + offset)-\(StableHash(disk.mountPath).short)"
            mounts.append(VolumeMount(name: volumeName, mountPath: disk.mountPath))
            podVolumes.append(
                Volume(name: volumeName, persistentVolumeClaim: Volume.ClaimSource(claimName: disk.claim)))
        }
        let layout = BrokerPodLayout.self
        podVolumes += [
            Volume(
                name: layout.configVolume,
                configMap: Volume.ConfigMapSource(name: configMap.name, defaultMode: 0o644)),
            Volume(name: layout.extensionsVolume, emptyDir: Volume.EmptyDirSource()),
            Volume(name: layout.jmxVolume, emptyDir: Volume.EmptyDirSource()),
        ]
        // The keys stay in their Secrets: server.properties names the mounted files.
        for (volume, secret, path) in layout.keystoreMounts(spec, cluster: context.name) {
            podVolumes.append(
                Volume(name: volume, secret: Volume.SecretSource(secretName: secret, defaultMode: 0o400)))
            mounts.append(VolumeMount(name: volume, mountPath: path, readOnly: true))
        }
        podVolumes += PassThrough.decode(config.volumes, as: Volume.self).items
        mounts += [
            VolumeMount(name: layout.configVolume, mountPath: ResourceConventions.configMountPath),
            VolumeMount(name: layout.extensionsVolume, mountPath: layout.extensionsPath),
            VolumeMount(name: layout.jmxVolume, mountPath: layout.jmxPath),
        ]
        mounts += PassThrough.decode(config.volumeMounts, as: VolumeMount.self).items

        let listeners = BrokerListeners(spec)
        let portNames = BrokerListeners.portNames(listeners.all)
        let image = config.image ?? spec.clusterImage ?? defaultImage
        var container = Container(name: layout.kafkaContainer, image: image)
        container.command = layout.command(kRaft: spec.usesKRaft)
        container.env = layout.environment(
            config: config, spec: spec,
            clusterID: spec.usesKRaft ? KRaftClusterID(uid: context.owner.uid) : nil)
        container.ports =
            zip(listeners.all, portNames).map { listener, portName in
                ContainerPort(name: portName, containerPort: Int32(clamping: listener.port), protocol: "TCP")
            }
            + PassThrough.decode(spec.additionalPorts, as: ContainerPort.self).items
            + [
                ContainerPort(
                    name: ResourceConventions.metricsPortName, containerPort: ResourceConventions.metricsPort,
                    protocol: "TCP")
            ]
        container.volumeMounts = mounts
        container.resources = config.resourceRequirements ?? layout.defaultResources
        container.securityContext = config.securityContext
        // A controller-only node serves the controller listener alone.
        let probed =
            properties.servesListener(listeners.interBroker) ? listeners.interBroker : listeners.controlPlane
        var probe = Probe(
            tcpSocket: Probe.TCPSocketAction(
                port: .int(Int32(clamping: (probed ?? listeners.interBroker).port))),
            initialDelaySeconds: 10, periodSeconds: 10)
        probe.timeoutSeconds = 5
        container.readinessProbe = probe

        let sidecars = PassThrough.decode(config.containers, as: Container.self).items
        var podSpec = PodSpec(containers: [container] + sidecars, volumes: podVolumes)
        podSpec.initContainers = layout.initContainers(
            config: config, spec: spec, brokerImage: image,
            own: PassThrough.decode(config.initContainers, as: Container.self).items)
        if ClusterServiceKind(spec) == .headless {
            podSpec.hostname = ResourceConventions.serviceName(cluster: context.name, broker: id)
            podSpec.subdomain = ResourceConventions.headlessServiceName(cluster: context.name)
        }
        podSpec.affinity =
            config.affinity
            ?? layout.antiAffinity(cluster: context.name, required: spec.oneBrokerPerNode == true)
        podSpec.tolerations = config.tolerations
        podSpec.nodeSelector = config.nodeSelector
        podSpec.priorityClassName = config.priorityClassName
        podSpec.securityContext = config.podSecurityContext
        podSpec.serviceAccountName =
            config.serviceAccountName ?? ResourceConventions.defaultServiceAccountName
        podSpec.imagePullSecrets = config.imagePullSecrets
        // As Koperator: a crashed broker is not restarted in place; its pod ends Failed and the
        // reconciler replaces it, so a broker always starts from its rendered configuration.
        podSpec.restartPolicy = "Never"
        // Time for a controlled shutdown: leadership moves off the broker before it stops.
        podSpec.terminationGracePeriodSeconds =
            config.terminationGracePeriodSeconds ?? ResourceConventions.defaultTerminationGracePeriodSeconds

        let configHash = StableHash(json: properties.readOnlyPart)
        var annotations = [
            "prometheus.io/scrape": "true", "prometheus.io/port": String(ResourceConventions.metricsPort),
        ]
        annotations.merge(config.brokerAnnotations ?? [:]) { _, own in own }
        annotations[ResourceConventions.configHashAnnotation] = configHash.description
        if let renewal = context.cluster.status?.brokersState?[String(id)]?.keystoreRestart {
            annotations[ResourceConventions.keystoreRestartAnnotation] = renewal
        }
        // The operator's labels select the pod: a broker label never replaces them.
        let podLabels = (config.brokerLabels ?? [:]).merging(labels) { _, ours in ours }
        var pod = Pod(
            metadata: context.metadata("", labels: podLabels, annotations: annotations), spec: podSpec)
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

        var resources = BrokerResources(
            brokerID: id, configMap: configMap, volumes: volumes, pod: pod, service: service,
            serverProperties: properties)
        resources.keptDisks = kept.map {
            StorageConfig(
                mountPath: $0.mountPath,
                pvcSpec: PersistentVolumeClaimSpec(storage: context.claimSizes[$0.claim]))
        }
        return resources
    }

    /// Every listener's port and the metrics port: what a broker Service (or the cluster-wide
    /// one) exposes, as Koperator exposes them.
    static func servicePorts(_ listeners: BrokerListeners, _ names: [String]) -> [Service.Port] {
        zip(listeners.all, names).map { listener, portName in
            Service.Port(
                name: portName, port: Int32(clamping: listener.port),
                targetPort: .int(Int32(clamping: listener.port)), protocol: "TCP")
        }
            + [
                Service.Port(
                    name: ResourceConventions.metricsPortName, port: ResourceConventions.metricsPort,
                    targetPort: .int(ResourceConventions.metricsPort), protocol: "TCP")
            ]
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
