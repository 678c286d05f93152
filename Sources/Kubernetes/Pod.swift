import JSON

/// A Pod (`v1`), with the fields the operator renders and the local kubelet reports.
public struct Pod: KubernetesObject, Equatable {
    public static let resourceType = ResourceType.pods
    public var apiVersion: String? = "v1"
    public var kind: String? = "Pod"
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(metadata: ObjectMeta, spec: PodSpec? = nil, status: PodStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// True when the `Ready` condition is `True`.
    public var isReady: Bool {
        status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
    }
}

public struct PodSpec: Codable, Equatable, Sendable {
    public var containers: [Container]
    public var initContainers: [Container]?
    public var volumes: [Volume]?
    public var nodeSelector: [String: String]?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var hostname: String?
    public var subdomain: String?
    public var serviceAccountName: String?
    public var priorityClassName: String?
    public var nodeName: String?
    /// Kept as written: the operator passes these through from the cluster spec.
    public var affinity: JSONValue?
    public var tolerations: JSONValue?
    public var securityContext: JSONValue?
    public var imagePullSecrets: JSONValue?
    public var topologySpreadConstraints: JSONValue?

    public init(containers: [Container], volumes: [Volume]? = nil) {
        self.containers = containers
        self.volumes = volumes
    }
}

public struct Container: Codable, Equatable, Sendable {
    public var name: String
    public var image: String?
    public var imagePullPolicy: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var env: [EnvVar]?
    /// `EnvFromSource`s, kept as written.
    public var envFrom: JSONValue?
    public var ports: [ContainerPort]?
    public var volumeMounts: [VolumeMount]?
    /// A `ResourceRequirements` object, kept as written.
    public var resources: JSONValue?
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    /// Kept as written.
    public var securityContext: JSONValue?
    public var lifecycle: JSONValue?

    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
    }
}

public struct EnvVar: Codable, Equatable, Sendable {
    public var name: String
    public var value: String?
    /// An `EnvVarSource` (field or secret reference), kept as written.
    public var valueFrom: JSONValue?

    public init(name: String, value: String? = nil, valueFrom: JSONValue? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

public struct ContainerPort: Codable, Equatable, Sendable {
    public var name: String?
    public var containerPort: Int32
    public var `protocol`: String?
    public var hostPort: Int32?

    public init(name: String? = nil, containerPort: Int32, protocol: String? = nil) {
        self.name = name
        self.containerPort = containerPort
        self.protocol = `protocol`
    }
}

public struct VolumeMount: Codable, Equatable, Sendable {
    public var name: String
    public var mountPath: String
    public var readOnly: Bool?
    public var subPath: String?

    public init(name: String, mountPath: String, readOnly: Bool? = nil, subPath: String? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.subPath = subPath
    }
}

/// A volume of a pod; exactly one source is set.
public struct Volume: Codable, Equatable, Sendable {
    public struct ConfigMapSource: Codable, Equatable, Sendable {
        public var name: String
        public var defaultMode: Int32?
        public init(name: String, defaultMode: Int32? = nil) {
            self.name = name
            self.defaultMode = defaultMode
        }
    }

    public struct SecretSource: Codable, Equatable, Sendable {
        public var secretName: String
        public var defaultMode: Int32?
        public init(secretName: String, defaultMode: Int32? = nil) {
            self.secretName = secretName
            self.defaultMode = defaultMode
        }
    }

    public struct ClaimSource: Codable, Equatable, Sendable {
        public var claimName: String
        public var readOnly: Bool?
        public init(claimName: String, readOnly: Bool? = nil) {
            self.claimName = claimName
            self.readOnly = readOnly
        }
    }

    public struct EmptyDirSource: Codable, Equatable, Sendable {
        public var medium: String?
        public var sizeLimit: String?
        public init(medium: String? = nil, sizeLimit: String? = nil) {
            self.medium = medium
            self.sizeLimit = sizeLimit
        }
    }

    public var name: String
    public var configMap: ConfigMapSource?
    public var secret: SecretSource?
    public var persistentVolumeClaim: ClaimSource?
    public var emptyDir: EmptyDirSource?

    public init(
        name: String, configMap: ConfigMapSource? = nil, secret: SecretSource? = nil,
        persistentVolumeClaim: ClaimSource? = nil, emptyDir: EmptyDirSource? = nil
    ) {
        self.name = name
        self.configMap = configMap
        self.secret = secret
        self.persistentVolumeClaim = persistentVolumeClaim
        self.emptyDir = emptyDir
    }
}

/// A container probe; exactly one handler is set.
public struct Probe: Codable, Equatable, Sendable {
    public struct TCPSocketAction: Codable, Equatable, Sendable {
        public var port: IntOrString
        public init(port: IntOrString) { self.port = port }
    }

    public struct ExecAction: Codable, Equatable, Sendable {
        public var command: [String]
        public init(command: [String]) { self.command = command }
    }

    public struct HTTPGetAction: Codable, Equatable, Sendable {
        public var path: String?
        public var port: IntOrString
        public init(path: String? = nil, port: IntOrString) {
            self.path = path
            self.port = port
        }
    }

    public var tcpSocket: TCPSocketAction?
    public var exec: ExecAction?
    public var httpGet: HTTPGetAction?
    public var initialDelaySeconds: Int32?
    public var periodSeconds: Int32?
    public var timeoutSeconds: Int32?
    public var failureThreshold: Int32?

    public init(
        tcpSocket: TCPSocketAction? = nil, exec: ExecAction? = nil, httpGet: HTTPGetAction? = nil,
        initialDelaySeconds: Int32? = nil, periodSeconds: Int32? = nil
    ) {
        self.tcpSocket = tcpSocket
        self.exec = exec
        self.httpGet = httpGet
        self.initialDelaySeconds = initialDelaySeconds
        self.periodSeconds = periodSeconds
    }
}

public struct PodStatus: Codable, Equatable, Sendable {
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    public var phase: String?
    public var conditions: [PodCondition]?
    public var containerStatuses: [ContainerStatus]?
    public var podIP: String?
    public var hostIP: String?
    public var startTime: String?
    public var message: String?
    public var reason: String?

    public init(phase: String? = nil, conditions: [PodCondition]? = nil) {
        self.phase = phase
        self.conditions = conditions
    }
}

public struct PodCondition: Codable, Equatable, Sendable {
    /// `PodScheduled`, `Initialized`, `ContainersReady`, `Ready`.
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var lastTransitionTime: String?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastTransitionTime: String? = nil, reason: String? = nil) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
    }
}

public struct ContainerStatus: Codable, Equatable, Sendable {
    public var name: String
    public var ready: Bool
    public var restartCount: Int32
    public var image: String
    public var imageID: String
    public var started: Bool?
    /// A `ContainerState` (`waiting`, `running` or `terminated`), kept as written.
    public var state: JSONValue?

    public init(name: String, ready: Bool, restartCount: Int32 = 0, image: String, imageID: String = "") {
        self.name = name
        self.ready = ready
        self.restartCount = restartCount
        self.image = image
        self.imageID = imageID
    }
}
