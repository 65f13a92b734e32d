import Foundation

/// Errors reading a reference-model case file.
public enum ReferenceCaseError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case missingField(path: String, field: String)
    case badField(path: String, field: String, found: String, expected: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            "\(path): cannot read reference case (\(reason)); pass a case JSON from shared/reference-model."
        case let .missingField(path, field):
            "\(path): field '\(field)' is missing; the file is not an mtrl-reference-model/1 case."
        case let .badField(path, field, found, expected):
            "\(path): field '\(field)' is \(found), expected \(expected); regenerate the case with gen.py."
        }
    }
}

/// A parsed golden case (shared/reference-model/README.md): a JSON tree with typed accessors.
struct ReferenceCase {
    let path: String
    let root: [String: Any]

    init(url: URL) throws {
        path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReferenceCaseError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dict = object as? [String: Any] else {
            throw ReferenceCaseError.unreadable(path: url.path, reason: "not a JSON object")
        }
        root = dict
        let format = dict["format"] as? String ?? "nothing"
        guard format == "mtrl-reference-model/1" else {
            throw ReferenceCaseError.badField(path: path, field: "format", found: format, expected: "mtrl-reference-model/1")
        }
    }

    var name: String { root["name"] as? String ?? URL(fileURLWithPath: path).lastPathComponent }

    /// The value at a '/'-separated path, or nil.
    func optional(_ field: String) -> Any? {
        var node: Any? = root
        for key in field.split(separator: "/") { node = (node as? [String: Any])?[String(key)] }
        return node
    }

    func value(_ field: String) throws -> Any {
        guard let v = optional(field) else { throw ReferenceCaseError.missingField(path: path, field: field) }
        return v
    }

    func number(_ field: String) throws -> Double {
        guard let n = try value(field) as? NSNumber else {
            throw ReferenceCaseError.badField(path: path, field: field, found: "not a number", expected: "a number")
        }
        return n.doubleValue
    }

    func integer(_ field: String) throws -> Int { Int(try number(field)) }

    func integers(_ field: String) throws -> [Int] {
        guard let list = try value(field) as? [NSNumber] else {
            throw ReferenceCaseError.badField(path: path, field: field, found: "not a list", expected: "a list of integers")
        }
        return list.map(\.intValue)
    }

    /// A `{shape, dtype, values}` array, as Float32 (row-major).
    func array(_ field: String) throws -> (shape: [Int], values: [Float]) {
        try Self.decodeArray(try value(field), path: path, field: field)
    }

    /// The `{name: array}` dictionary at `field`.
    func arrays(_ field: String) throws -> [String: (shape: [Int], values: [Float])] {
        guard let dict = try value(field) as? [String: Any] else {
            throw ReferenceCaseError.badField(path: path, field: field, found: "not an object", expected: "name → array")
        }
        var out: [String: (shape: [Int], values: [Float])] = [:]
        for (k, v) in dict { out[k] = try Self.decodeArray(v, path: path, field: "\(field)/\(k)") }
        return out
    }

    static func decodeArray(_ node: Any, path: String, field: String) throws -> (shape: [Int], values: [Float]) {
        guard let dict = node as? [String: Any], let shape = dict["shape"] as? [NSNumber],
              let values = dict["values"] as? [NSNumber]
        else { throw ReferenceCaseError.badField(path: path, field: field, found: "not an array", expected: "{shape, dtype, values}") }
        let dims = shape.map(\.intValue)
        guard dims.reduce(1, *) == values.count else {
            throw ReferenceCaseError.badField(path: path, field: field, found: "\(values.count) values",
                                              expected: "\(dims.reduce(1, *)) for shape \(dims)")
        }
        return (dims, values.map { Float($0.doubleValue) })
    }
}
