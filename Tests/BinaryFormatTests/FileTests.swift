import BinaryFormat
import Foundation
import Testing

private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "binaryformat-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private struct Interrupted: Error {}

@Test func atomicWriteReplacesContentsAndLeavesNoTemporaryFile() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/data.bin"
    try AtomicFile.write([1, 2, 3], to: path)
    try AtomicFile.write(to: path) { sink in
        try sink.write([9, 8])
        try sink.pad(toMultipleOf: 8)
        try sink.write(elements: [Float(1)])
        #expect(sink.bytesWritten == 12)
    }
    let data = try #require(FileManager.default.contents(atPath: path))
    #expect(Array(data) == [9, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3F])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["data.bin"])
}

@Test func failedAtomicWriteKeepsThePreviousFile() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/data.bin"
    try AtomicFile.write([1, 2, 3], to: path)
    #expect(throws: Interrupted.self) {
        try AtomicFile.write(to: path) { sink in
            try sink.write([7, 7, 7, 7])
            throw Interrupted()
        }
    }
    #expect(FileManager.default.contents(atPath: path).map(Array.init) == [1, 2, 3])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["data.bin"])
}

@Test func atomicWriteIntoMissingDirectoryThrows() {
    #expect(throws: BinaryFormatError.self) { try AtomicFile.write([1], to: "/nonexistent-dir-mtrl/x.bin") }
}

@Test func mappedFileSeesTheBytes() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
    try AtomicFile.write(bytes, to: dir + "/m.bin")
    let mapped = try MappedFile(path: dir + "/m.bin")
    #expect(mapped.count == bytes.count)
    #expect(mapped.withUnsafeBytes { Array($0) } == bytes)
    #expect(mapped.copyBytes(offset: 4990, count: 10) == Array(bytes[4990...]))
    try AtomicFile.write([], to: dir + "/empty.bin")
    #expect(try MappedFile(path: dir + "/empty.bin").count == 0)
    #expect(throws: BinaryFormatError.self) { try MappedFile(path: dir) }
    #expect(throws: BinaryFormatError.self) { try MappedFile(path: dir + "/missing.bin") }
}
