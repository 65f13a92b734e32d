import BinaryFormat
import Testing

@Test func writtenValuesReadBackInOrder() throws {
    var w = ByteWriter()
    w.write(UInt8(0xAB))
    w.write(UInt32(0xDEAD_BEEF))
    w.write(UInt64.max - 5)
    w.write(Int64(-123_456_789))
    w.write(Float(-1.5))
    w.write(Double.pi)
    w.write("héllo, wörld")
    w.pad(toMultipleOf: 16)
    w.write(floats: [1, -2, 3.25])
    #expect(w.count % 4 == 0)
    var r = ByteReader(bytes: w.bytes, source: "<memory>")
    #expect(try r.readUInt8("a") == 0xAB)
    #expect(try r.readUInt32("b") == 0xDEAD_BEEF)
    #expect(try r.readUInt64("c") == UInt64.max - 5)
    #expect(try r.readInt64("d") == -123_456_789)
    #expect(try r.readFloat("e") == -1.5)
    #expect(try r.readDouble("f") == Double.pi)
    #expect(try r.readString("g") == "héllo, wörld")
    try r.skipPadding(toMultipleOf: 16, "pad")
    #expect(r.offset % 16 == 0)
    #expect(try [r.readFloat("x"), r.readFloat("y"), r.readFloat("z")] == [1, -2, 3.25])
    #expect(r.remaining == 0)
}

@Test func integersAreLittleEndian() {
    var w = ByteWriter()
    w.write(UInt32(0x0102_0304))
    #expect(w.bytes == [4, 3, 2, 1])
}

@Test func readingPastTheEndThrowsAndKeepsOffset() throws {
    var r = ByteReader(bytes: [1, 2, 3], source: "f.bin")
    #expect(
        throws: BinaryFormatError.unexpectedEnd(source: "f.bin", field: "count", offset: 0, needed: 4, available: 3)
    ) {
        try r.readUInt32("count")
    }
    #expect(r.offset == 0)
    #expect(try r.readUInt8("first") == 1)
}

@Test func badStringsThrow() {
    var tooLong = ByteWriter()
    tooLong.write(UInt32(1000))
    var r1 = ByteReader(bytes: tooLong.bytes, source: "s")
    #expect(throws: BinaryFormatError.self) { try r1.readString("name", maxBytes: 10) }
    var invalid = ByteWriter()
    invalid.write(UInt32(2))
    invalid.write(raw: [0xC3, 0x28])
    var r2 = ByteReader(bytes: invalid.bytes, source: "s")
    #expect(throws: BinaryFormatError.badString(source: "s", field: "name", reason: "invalid UTF-8")) {
        try r2.readString("name")
    }
    var r3 = ByteReader(bytes: [5, 0, 0, 0, 65], source: "s")
    #expect(throws: BinaryFormatError.self) { try r3.readString("name") }
}
