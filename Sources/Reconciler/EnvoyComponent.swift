import ClusterModel
import JSON
import Kubernetes

/// Envoy in front of each external listener carried by Envoy (`ExternalAccess.envoyListeners`),
/// with Koperator's names: the ConfigMap `envoy-config-<listener>-C` holding `envoy.yaml`
/// (`EnvoyBootstrap`), the Deployment `envoy-<listener>-C`, and the Service
/// `envoy-loadbalancer-<listener>-C` of type LoadBalancer: one port per broker, the any-cast
/// port (`tcp-all-broker`) and the health port a cloud load balancer probes; with
/// `envoyConfig.disruptionBudget.create`, the PodDisruptionBudget `envoy-<listener>-C-pdb`
/// (`minAvailable`, or `maxUnavailable` with that strategy).
///
/// The pod template carries the hash of `envoy.yaml` (`envoy.yaml.hash`), so a change of the
/// configuration — a broker joining or finally leaving — rolls Envoy, and nothing else does.
/// Envoy's admin port is in the pod, not behind the load balancer: it can stop Envoy.
struct EnvoyComponent: ClusterComponent {
    static let configKey = "envoy.yaml"
    static let configPath = "/etc/envoy"
    static let container = "envoy"
    static let hashAnnotation = "envoy.yaml.hash"
    static let anyCastPortName = "tcp-all-broker"
    static let defaultResources: JSONValue = .object([
        ("requests", .object([("cpu", .string("100m")), ("memory", .string("100Mi"))])),
        ("limits", .object([("cpu", .string("100m")), ("memory", .string("100Mi"))])),
    ])

    func render(_ context: ComponentContext) -> [OwnedObject] {
        let brokerIDs = ExternalAccess.brokerIDs(context.cluster)
        return ExternalAccess.envoyListeners(context.spec).flatMap {
            Self.render($0, brokerIDs: brokerIDs, context)
        }
    }

    static func render(_ listener: ExternalListener, brokerIDs: [Int32], _ context: ComponentContext)
        -> [OwnedObject]
    {
        let cluster = context.name
        let envoy = context.spec.envoyConfig ?? EnvoyConfig()
        let labels = ResourceConventions.envoyLabels(cluster: cluster, listener: listener.name)
        let configName = ResourceConventions.envoyConfigMapName(listener: listener.name, cluster: cluster)
        let bootstrap = EnvoyBootstrap(
            spec: context.spec, listener: listener, brokerIDs: brokerIDs, clusterName: cluster,
            namespace: context.namespace)
        let configMap = ConfigMap(
            metadata: context.metadata(configName, labels: labels), data: [configKey: bootstrap.text])

        var service = Service.Spec(
            type: "LoadBalancer", selector: labels, ports: servicePorts(listener, brokerIDs, envoy))
        service.publishNotReadyAddresses = nil
        service.loadBalancerSourceRanges = envoy.loadBalancerSourceRanges.flatMap { $0.isEmpty ? nil : $0 }
        service.loadBalancerIP = envoy.loadBalancerIP.flatMap { $0.isEmpty ? nil : $0 }
        service.externalTrafficPolicy = listener.externalTrafficPolicy.flatMap { $0.isEmpty ? nil : $0 }
        var serviceMetadata = context.metadata(
            ResourceConventions.envoyServiceName(listener: listener.name, cluster: cluster), labels: labels)
        serviceMetadata.annotations = listener.serviceAnnotations.flatMap { $0.isEmpty ? nil : $0 }

        var deploymentMetadata = context.metadata(
            ResourceConventions.envoyDeploymentName(listener: listener.name, cluster: cluster), labels: labels
        )
        deploymentMetadata.annotations = envoy.annotations.flatMap { $0.isEmpty ? nil : $0 }
        let deployment = Deployment(
            metadata: deploymentMetadata,
            spec: deploymentSpec(
                listener, brokerIDs: brokerIDs, envoy: envoy, labels: labels, configName: configName,
                configHash: StableHash(bootstrap.text)))
        var objects = [
            context.stamped(configMap), context.stamped(deployment),
            context.stamped(Service(metadata: serviceMetadata, spec: service)),
        ]
        if let budget = envoy.disruptionBudget, budget.create == true, let parsed = budget.parsedBudget {
            let value: IntOrString = parsed.count.map { .int($0) } ?? .string(parsed.percentage ?? "")
            var metadata = context.metadata(
                ResourceConventions.envoyDeploymentName(listener: listener.name, cluster: cluster) + "-pdb",
                labels: labels)
            metadata.annotations = deploymentMetadata.annotations
            let selector = LabelSelector(matchLabels: labels)
            objects.append(
                context.stamped(
                    PodDisruptionBudget(
                        metadata: metadata,
                        spec: budget.limitsUnavailable
                            ? PodDisruptionBudget.Spec(selector: selector, maxUnavailable: value)
                            : PodDisruptionBudget.Spec(selector: selector, minAvailable: value))))
        }
        return objects
    }

    static func servicePorts(_ listener: ExternalListener, _ brokerIDs: [Int32], _ envoy: EnvoyConfig)
        -> [Service.Port]
    {
        brokerIDs.map { id in
            let port = Int32(clamping: listener.externalPort(of: id))
            return Service.Port(name: "broker-\(id)", port: port, targetPort: .int(port), protocol: "TCP")
        }
            + [
                Service.Port(
                    name: anyCastPortName, port: Int32(clamping: listener.effectiveAnyCastPort),
                    targetPort: .string(anyCastPortName), protocol: "TCP"),
                Service.Port(
                    name: "tcp-health", port: envoy.effectiveHealthCheckPort,
                    targetPort: .int(envoy.effectiveHealthCheckPort), protocol: "TCP"),
            ]
    }

    static func deploymentSpec(
        _ listener: ExternalListener, brokerIDs: [Int32], envoy: EnvoyConfig, labels: [String: String],
        configName: String, configHash: StableHash
    ) -> Deployment.Spec {
        var container = Container(name: Self.container, image: envoy.effectiveImage)
        container.args =
            ["-c", "\(configPath)/\(configKey)"]
            + (envoy.concurrency.map { ["--concurrency", String($0)] } ?? [])
        container.ports =
            brokerIDs.map {
                ContainerPort(
                    name: "broker-\($0)", containerPort: Int32(clamping: listener.externalPort(of: $0)),
                    protocol: "TCP")
            } + [
                ContainerPort(
                    name: anyCastPortName,
                    containerPort: Int32(clamping: listener.effectiveIngressControllerTargetPort),
                    protocol: "TCP"),
                ContainerPort(name: "tcp-admin", containerPort: envoy.effectiveAdminPort, protocol: "TCP"),
                ContainerPort(
                    name: "tcp-health", containerPort: envoy.effectiveHealthCheckPort, protocol: "TCP"),
            ]
        container.volumeMounts = [VolumeMount(name: configName, mountPath: configPath, readOnly: true)]
        container.resources = envoy.resourceRequirements ?? defaultResources
        var readiness = Probe(
            httpGet: Probe.HTTPGetAction(
                path: EnvoyBootstrap.healthCheckPath, port: .int(envoy.effectiveHealthCheckPort)),
            periodSeconds: 10)
        readiness.timeoutSeconds = 1
        container.readinessProbe = readiness

        var pod = PodSpec(
            containers: [container],
            volumes: [
                Volume(
                    name: configName, configMap: Volume.ConfigMapSource(name: configName, defaultMode: 0o644))
            ])
        pod.serviceAccountName =
            envoy.serviceAccountName.flatMap { $0.isEmpty ? nil : $0 }
            ?? ResourceConventions.defaultServiceAccountName
        pod.imagePullSecrets = envoy.imagePullSecrets
        pod.tolerations = envoy.tolerations
        pod.nodeSelector = envoy.nodeSelector
        pod.affinity = envoy.affinity
        pod.topologySpreadConstraints = envoy.topologySpreadConstraints
        pod.securityContext = envoy.podSecurityContext
        pod.priorityClassName = envoy.priorityClassName.flatMap { $0.isEmpty ? nil : $0 }

        var annotations = envoy.annotations ?? [:]
        annotations[hashAnnotation] = configHash.description
        return Deployment.Spec(
            replicas: envoy.effectiveReplicas, selector: LabelSelector(matchLabels: labels),
            template: PodTemplateSpec(
                metadata: Kubernetes.ObjectMeta(labels: labels, annotations: annotations), spec: pod))
    }
}
