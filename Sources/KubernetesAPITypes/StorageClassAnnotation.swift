/// The annotation that makes a StorageClass the default, which a claim naming no class gets.
public enum StorageClassAnnotation {
    public static let isDefaultClass = "storageclass.kubernetes.io/is-default-class"
}
