/// Reads little-endian values from bytes, throwing instead of reading past the end.
///
/// `source` (a path or `<memory>`) and the field name given to each read end up in errors.
/// Properties: never traps on any input; a failed read leaves `offset` unchanged.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public let source: String
    /// Next byte to read.
    public private(set) var offset: Int = 0

    public init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    public mutating func readUInt8(_ field: String) throws -> UInt8 {
        let byte = try take(1, field)
        return byte[byte.startIndex]
    }
    public mutating func readUInt32(_ field: String) throws -> UInt32 { UInt32(try littleEndian(4, field)) }
    public mutating func readUInt64(_ field: String) throws -> UInt64 { try littleEndian(8, field) }
    public mutating func readInt64(_ field: String) throws -> Int64 { Int64(bitPattern: try littleEndian(8, field)) }
    public mutating func readFloat(_ field: String) throws -> Float { Float(bitPattern: try readUInt32(field)) }
    public mutating func readDouble(_ field: String) throws -> Double { Double(bitPattern: try readUInt64(field)) }

    /// A UInt32 byte count (at most `maxBytes`), then UTF-8.
    public mutating func readString(_ field: String, maxBytes: Int = 1 << 20) throws -> String {
        let start = offset
        let length = Int(try readUInt32(field))
        guard length <= maxBytes else {
            offset = start
            throw BinaryFormatError.badString(source: source, field: field, reason: "length \(length) > \(maxBytes)")
        }
        let utf8: ArraySlice<UInt8>
        do { utf8 = try take(length, field) } catch {
            offset = start
            throw error
        }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            offset = start
            throw BinaryFormatError.badString(source: source, field: field, reason: "invalid UTF-8")
        }
        return text
    }

    /// `count` raw bytes.
    public mutating func readBytes(_ count: Int, _ field: String) throws -> [UInt8] { Array(try take(count, field)) }

    /// Skips to the next multiple of `alignment`.
    public mutating func skipPadding(toMultipleOf alignment: Int, _ field: String) throws {
        let remainder = offset % alignment
        if remainder != 0 { _ = try take(alignment - remainder, field) }
    }

    private mutating func take(_ count: Int, _ field: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw BinaryFormatError.unexpectedEnd(
                source: source, field: field, offset: offset, needed: count, available: remaining)
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    private mutating func littleEndian(_ width: Int, _ field: String) throws -> UInt64 {
        let slice = try take(width, field)
        var value: UInt64 = 0
        for (shift, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * shift) }
        return value
    }
}
