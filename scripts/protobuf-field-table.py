#!/usr/bin/env python3
"""Writes Sources/LocalCluster/ProtobufFieldTable.swift, the table the local cluster reads
Kubernetes protobuf bodies with.

Reads the wire description of each message (`generated.proto`) and how its Go type writes
JSON (the `json` tags in the package's Go files) from a checkout of kubernetes/api and one of
kubernetes/apimachinery, and writes each message reachable from the kinds below as its name
then its fields, wrapped on indented lines:

    core.v1.ContainerPort
        name=1:string? hostPort=2:int32? containerPort=3:int32 ...

Each field is `json=number:type` then flags: `?` omitted when zero (omitempty, or omitzero on
a struct), `*` a pointer (present only when sent), `!` inlined into its parent (an embedded
struct). Types: string, bytes, bool, int32, int64, double, [T] repeated, {K:V} a map,
otherwise a message named `group.version.Kind`.

Usage: protobuf-field-table.py API_CHECKOUT APIMACHINERY_CHECKOUT [API_COMMIT APIMACHINERY_COMMIT] \\
    > Sources/LocalCluster/ProtobufFieldTable.swift
"""

import os
import re
import sys

ROOTS = [
    "core.v1.Pod", "core.v1.ConfigMap", "core.v1.PersistentVolumeClaim", "core.v1.Service",
    "core.v1.Secret", "core.v1.Event", "core.v1.Namespace", "core.v1.Node",
    "core.v1.ServiceAccount", "apps.v1.Deployment", "policy.v1.PodDisruptionBudget",
    "storage.v1.StorageClass", "coordination.v1.Lease", "rbac.v1.ClusterRole",
    "rbac.v1.ClusterRoleBinding", "rbac.v1.Role", "rbac.v1.RoleBinding",
    "autoscaling.v1.Scale", "authorization.v1.SelfSubjectAccessReview",
    "authentication.v1.SelfSubjectReview",
]
# Messages with a JSON form of their own, read by name in the decoder.
SPECIAL = {"meta.v1.Time", "meta.v1.MicroTime", "meta.v1.Duration", "meta.v1.FieldsV1",
           "resource.Quantity", "intstr.IntOrString", "runtime.RawExtension"}
SCALARS = {"string", "bytes", "bool", "int32", "int64", "double"}


def short_name(package):
    # k8s.io.api.core.v1 -> core.v1; k8s.io.apimachinery.pkg.apis.meta.v1 -> meta.v1
    parts = package.split(".")
    if parts[:3] == ["k8s", "io", "api"]:
        return ".".join(parts[3:])
    if parts[-2:] == ["meta", "v1"]:
        return "meta.v1"
    return parts[-1]


def package_dir(package, api, machinery):
    parts = package.split(".")
    if parts[:3] == ["k8s", "io", "api"]:
        return os.path.join(api, *parts[3:])
    return os.path.join(machinery, *parts[3:])


def read_proto(path):
    text = open(path).read()
    package = re.search(r"^package ([\w.]+);", text, re.M).group(1)
    messages = {}
    for match in re.finditer(r"^message (\w+) \{(.*?)^\}", text, re.M | re.S):
        fields = []
        for line in match.group(2).splitlines():
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            field = re.match(r"(optional|repeated|required) ([\w.]+) (\w+) = (\d+);", line)
            if field:
                fields.append((field.group(1) == "repeated", field.group(2), None, field.group(3),
                               int(field.group(4))))
                continue
            field = re.match(r"map<(\w+), ([\w.]+)> (\w+) = (\d+);", line)
            if field:
                fields.append((False, field.group(2), field.group(1), field.group(3), int(field.group(4))))
                continue
            raise SystemExit(f"{path}: cannot read {line!r}")
        messages[match.group(1)] = fields
    return package, messages


def read_go_structs(directory):
    """struct name -> {protobuf number: (json name, omitempty, omitzero, pointer, inline)}"""
    structs = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".go") or name.endswith("_test.go") or name.startswith("generated"):
            continue
        text = open(os.path.join(directory, name)).read()
        for match in re.finditer(r"^type (\w+) struct \{(.*?)^\}", text, re.M | re.S):
            fields = {}
            for line in match.group(2).splitlines():
                tag = re.search(r"`(.*)`", line)
                if not tag or "protobuf:" not in tag.group(1):
                    continue
                proto = re.search(r'protobuf:"([^"]*)"', tag.group(1)).group(1).split(",")
                if len(proto) < 2:
                    continue
                json = re.search(r'json:"([^"]*)"', tag.group(1))
                json_parts = json.group(1).split(",") if json else [""]
                declaration = line[: tag.start()].split()
                embedded = len(declaration) == 1
                go_type = declaration[-1]
                fields[int(proto[1])] = (
                    json_parts[0], "omitempty" in json_parts[1:], "omitzero" in json_parts[1:],
                    go_type.startswith("*"), embedded and json_parts[0] == "")
            structs[match.group(1)] = fields
    return structs


def main():
    api, machinery = sys.argv[1], sys.argv[2]
    protos = {}
    go = {}
    packages = set()
    for root, _, files in os.walk(api):
        if "generated.proto" in files:
            packages.add(os.path.join(root, "generated.proto"))
    for relative in ["pkg/apis/meta/v1", "pkg/runtime", "pkg/util/intstr", "pkg/api/resource"]:
        packages.add(os.path.join(machinery, relative, "generated.proto"))
    for path in packages:
        package, messages = read_proto(path)
        short = short_name(package)
        for message, fields in messages.items():
            protos[f"{short}.{message}"] = (package, fields)

    def qualify(type_name, package):
        if type_name in SCALARS:
            return type_name
        if type_name.startswith("."):
            full = type_name[1:]
            name = f"{short_name(full.rsplit('.', 1)[0])}.{full.rsplit('.', 1)[1]}"
        else:
            name = f"{short_name(package)}.{type_name}"
        # A Go slice type (`type ExtraValue []string`) travels as a message of one repeated
        # `items`; its JSON is the list itself.
        wrapped = protos[name][1]
        if len(wrapped) == 1 and wrapped[0][0] and wrapped[0][3] == "items":
            return f"[{qualify(wrapped[0][1], protos[name][0])}]"
        return name

    lines = []
    seen = set()
    queue = list(ROOTS)
    while queue:
        name = queue.pop(0)
        if name in seen or name in SPECIAL:
            continue
        seen.add(name)
        package, fields = protos[name]
        directory = package_dir(package, api, machinery)
        if directory not in go:
            go[directory] = read_go_structs(directory)
        struct = go[directory].get(name.rsplit(".", 1)[1])
        if struct is None:
            raise SystemExit(f"no Go struct for {name}")
        written = []
        for repeated, type_name, key, proto_name, number in fields:
            json_name, omitempty, omitzero, pointer, inline = struct[number]
            value = qualify(type_name, package)
            if value not in SCALARS and not value.startswith("["):
                queue.append(value)
            if key is not None:
                field_type = f"{{{key}:{value}}}"
            elif repeated:
                field_type = f"[{value}]"
            else:
                field_type = value
            flags = ""
            if inline:
                flags += "!"
            elif pointer:
                flags += "*"
            elif (omitempty and (value in SCALARS or repeated or key)) or omitzero:
                flags += "?"
            written.append(f"{json_name or proto_name}={number}:{field_type}{flags}")
        entry = [name]
        line = "   "
        for field in written:
            if len(line) + 1 + len(field) > 96 and line.strip():
                entry.append(line)
                line = "   "
            line += " " + field
        entry.append(line)
        lines.append("\n".join(entry))
    versions = sys.argv[3:5] if len(sys.argv) >= 5 else ["(checkout)", "(checkout)"]
    source = f"kubernetes/api {versions[0]} and kubernetes/apimachinery {versions[1]}"
    body = "\n".join(sorted(lines)).replace("\n", "\n        ")
    print(HEADER.format(source=source) + "        " + body + '\n        """\n}')


HEADER = '''// Generated by scripts/protobuf-field-table.py, do not edit: from the generated.proto files
// and Go types of {source}.

/// The protobuf messages of the built-in kinds the local cluster serves, and how each of their
/// fields reads into JSON: `json=number:type` and flags, `?` omitted when zero, `*` a pointer
/// (present only when sent), `!` inlined into the parent. See `ProtobufSchema`.
enum ProtobufFieldTable {{
    static let text = """
'''


main()
