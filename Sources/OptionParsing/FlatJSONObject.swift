/// A strict reader of settings files: one JSON object whose values are strings or numbers.
///
/// Unlike a general JSON parser it refuses what would silently change a setting: a key given twice
/// (a general parser keeps the last), and values of other types (`true`, `null`, arrays, objects).
/// Numbers keep the text they were written with, so `3e-4` reaches the setting as written.
public enum FlatJSONObject {
    /// Why a settings file was refused.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case syntax(String, offset: Int)
        case duplicateKey(String)
        case unsupportedValue(key: String, found: String)

        public var description: String {
            switch self {
            case let .syntax(what, offset): "not a JSON object of settings: \(what) at byte \(offset)"
            case .duplicateKey(let key): "the key \"\(key)\" is given twice; give each setting once"
            case let .unsupportedValue(key, found): "\"\(key)\" is \(found); settings are strings or numbers"
            }
        }
    }

    /// The object's entries in file order, each value as text.
    /// - Throws: `Problem` for invalid JSON, a repeated key or a value that is not a string or number.
    public static func parse(_ text: String) throws -> [(key: String, value: String)] {
        var reader = Reader(bytes: Array(text.utf8))
        var entries: [(key: String, value: String)] = []
        var seen: Set<String> = []
        try reader.expect(UInt8(ascii: "{"))
        if try reader.peek() != UInt8(ascii: "}") {
            repeat {
                let key = try reader.string()
                guard seen.insert(key).inserted else { throw Problem.duplicateKey(key) }
                try reader.expect(UInt8(ascii: ":"))
                entries.append((key, try reader.value(for: key)))
            } while try reader.consume(UInt8(ascii: ","))
        }
        try reader.expect(UInt8(ascii: "}"))
        reader.skipWhitespace()
        guard reader.offset == reader.bytes.count else { throw Problem.syntax("text after the object", offset: reader.offset) }
        return entries
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func skipWhitespace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        }

        mutating func peek() throws -> UInt8 {
            skipWhitespace()
            guard offset < bytes.count else { throw Problem.syntax("unexpected end", offset: offset) }
            return bytes[offset]
        }

        mutating func consume(_ byte: UInt8) throws -> Bool {
            guard try peek() == byte else { return false }
            offset += 1
            return true
        }

        mutating func expect(_ byte: UInt8) throws {
            guard try consume(byte) else {
                throw Problem.syntax("expected '\(Character(Unicode.Scalar(byte)))'", offset: offset)
            }
        }

        mutating func value(for key: String) throws -> String {
            let first = try peek()
            if first == UInt8(ascii: "\"") { return try string() }
            if first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) { return try number() }
            let kind = switch first {
            case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
            case UInt8(ascii: "n"): "null"
            case UInt8(ascii: "["): "an array"
            case UInt8(ascii: "{"): "an object"
            default: "not a JSON value"
            }
            throw Problem.unsupportedValue(key: key, found: kind)
        }

        mutating func number() throws -> String {
            let start = offset
            let allowed = Set("+-.0123456789eE".utf8)
            while offset < bytes.count, allowed.contains(bytes[offset]) { offset += 1 }
            let text = String(decoding: bytes[start..<offset], as: UTF8.self)
            guard Double(text) != nil else { throw Problem.syntax("malformed number '\(text)'", offset: start) }
            return text
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""))
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    guard offset < bytes.count else { break }
                    let escape = bytes[offset]
                    offset += 1
                    let simple: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A,
                                                  0x72: 0x0D, 0x74: 0x09]
                    if let plain = simple[escape] {
                        raw.append(plain)
                    } else if escape == UInt8(ascii: "u"), offset + 4 <= bytes.count,
                              let code = UInt32(String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self), radix: 16),
                              let scalar = Unicode.Scalar(code) {
                        flush()
                        scalars.append(scalar)
                        offset += 4
                    } else {
                        throw Problem.syntax("bad escape in a string", offset: offset - 1)
                    }
                case 0x00..<0x20:
                    throw Problem.syntax("control character in a string", offset: offset - 1)
                default:
                    raw.append(byte)
                }
            }
            throw Problem.syntax("unterminated string", offset: offset)
        }
    }
}
