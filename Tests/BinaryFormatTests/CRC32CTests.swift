import BinaryFormat
import Testing

/// Bit-at-a-time CRC-32C, the definition the table-driven version must match.
private func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

@Test func checkValueMatchesRFC3720() {
    #expect(CRC32C.checksum("123456789") == 0xE306_9283)
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)  // RFC 3720 §B.4, 32 zero bytes
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)  // RFC 3720 §B.4, 32 0xFF bytes
}

@Test(arguments: [0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 1000])
func slicingByEightMatchesBitwiseDefinition(length: Int) {
    var rng = SystemRandomNumberGenerator()
    let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
    #expect(CRC32C.checksum(bytes) == bitwiseCRC32C(bytes), "length \(length)")
}

@Test func updateOverPiecesEqualsWholeChecksum() {
    let bytes = (0..<777).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    for split in [0, 1, 5, 8, 100, 776, 777] {
        let first = bytes[..<split].withUnsafeBytes { CRC32C.update(0, $0) }
        let both = bytes[split...].withUnsafeBytes { CRC32C.update(first, $0) }
        #expect(both == CRC32C.checksum(bytes), "split at \(split)")
    }
}
