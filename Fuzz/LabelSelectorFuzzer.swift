// libFuzzer entry for the local cluster's label selector parser (the `labelSelector=` query
// parameter); built by scripts/fuzz-label-selector.
//
// Whatever the text, parsing either fails with an error or yields a selector that can be
// matched against labels without trapping, and an empty label set matches only selectors made
// of `!key` and `notin` requirements (and the empty selector).

@_cdecl("LLVMFuzzerTestOneInput")
public func labelSelectorFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let selector = try? LabelSelector(parsing: text) else { return 0 }
    var labels: [String: String] = [:]
    for requirement in selector.requirements {
        switch requirement {
        case .equals(let key, let value), .notEquals(let key, let value): labels[key] = value
        case .exists(let key), .doesNotExist(let key): labels[key] = ""
        case .isIn(let key, let values), .notIn(let key, let values): labels[key] = values.first ?? ""
        case .greaterThan(let key, let number), .lessThan(let key, let number): labels[key] = String(number)
        }
    }
    _ = selector.matches(labels)
    let vacuous = selector.requirements.allSatisfy { requirement in
        switch requirement {
        case .doesNotExist, .notIn, .notEquals: return true
        default: return false
        }
    }
    precondition(selector.matches([:]) == vacuous, "an empty label set matched wrongly: \(selector)")
    return 0
}
