/// A 64-bit hash of bytes that is the same on every rank and every run (unlike `Hasher`, which is
/// seeded per process): for comparing parameters and configs across ranks.
///
/// Math: FNV-1a over 8-byte little-endian words, h ← (h ⊕ w)·p with p = 2⁴⁰ + 2⁸ + 0xb3
/// (the tail zero-padded, the byte count folded in last), then the SplitMix64 finaliser.
/// Each step is a bijection of h, so buffers that differ in one word always hash differently.
public enum StableHash {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Hash of raw bytes.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = offsetBasis
        let wordCount = bytes.count / 8
        for index in 0..<wordCount {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            h = (h ^ word) &* prime
        }
        var tail: UInt64 = 0
        for index in (wordCount * 8)..<bytes.count {
            tail |= UInt64(bytes[index]) << (8 * UInt64(index - wordCount * 8))
        }
        h = (h ^ tail) &* prime
        h = (h ^ UInt64(bytes.count)) &* prime
        return finalised(h)
    }

    /// Hash of a Float32 buffer's bit patterns (so -0 and 0, or two NaNs, may differ).
    public static func hash(_ buffer: UnsafeBufferPointer<Float>) -> UInt64 {
        hash(UnsafeRawBufferPointer(buffer))
    }

    /// Hash of a string's UTF-8 bytes.
    public static func hash(_ text: String) -> UInt64 {
        Array(text.utf8).withUnsafeBytes { hash($0) }
    }

    private static func finalised(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
