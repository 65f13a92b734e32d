/// Appends little-endian values to a growing byte array.
///
/// Strings are a UInt32 byte count followed by UTF-8; arrays are raw element bytes (the caller
/// stores their count). Properties: `ByteReader` reads back exactly what was written, in order.
public struct ByteWriter: Sendable {
    /// Bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Number of bytes written so far.
    public var count: Int { bytes.count }

    public mutating func write(_ value: UInt8) { bytes.append(value) }
    public mutating func write(_ value: UInt32) { appendBytes(of: value.littleEndian) }
    public mutating func write(_ value: UInt64) { appendBytes(of: value.littleEndian) }
    public mutating func write(_ value: Int64) { appendBytes(of: value.littleEndian) }
    public mutating func write(_ value: Float) { write(value.bitPattern) }
    public mutating func write(_ value: Double) { write(value.bitPattern) }

    /// A UInt32 byte count, then the UTF-8 bytes.
    public mutating func write(_ text: String) {
        let utf8 = Array(text.utf8)
        write(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Raw bytes, no count.
    public mutating func write(raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// Float32 values, little-endian, no count.
    public mutating func write(floats: [Float]) { for v in floats { write(v) } }

    /// Zero bytes until `count` is a multiple of `alignment`.
    public mutating func pad(toMultipleOf alignment: Int) {
        precondition(alignment > 0, "alignment must be positive, got \(alignment)")
        let remainder = bytes.count % alignment
        if remainder != 0 { bytes.append(contentsOf: repeatElement(0, count: alignment - remainder)) }
    }

    private mutating func appendBytes<T: FixedWidthInteger>(of value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }
}
