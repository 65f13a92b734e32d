import BinaryFormat
import Environments
import Foundation
import Glibc
import Testing
import Training

/// The checkpoint reader's fuzz target: 10,000 seeded mutations of a valid checkpoint. A mutated
/// file is refused with a typed error or reads back exactly; nothing crashes, hangs or allocates
/// more than the file holds (every count is checked against the bytes left before allocating).
@Suite struct CheckpointFuzzTests {
    /// Re-seals a mutated body with a valid trailing CRC32C, so the mutation reaches the field checks.
    static func sealed(_ bytes: [UInt8]) -> [UInt8] {
        let body = Array(bytes.dropLast(4))
        let crc = CRC32C.checksum(body)
        return body + (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) }
    }

    @Test("10,000 mutated checkpoints read back exactly or are refused with a typed error")
    func mutatedCheckpoints() throws {
        let dir = NSTemporaryDirectory() + "ckpt-fuzz-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let original = Checkpoint(configJSON: "{\"steps\": \"10\"}", update: 7, adamSteps: 7, bestScore: 0.5, bestUpdate: 5,
                                  parameters: (0..<40).map { Float($0) * 0.25 }, target: (0..<40).map { Float($0) },
                                  firstMoment: [Float](repeating: 0.125, count: 40), secondMoment: [Float](repeating: 2, count: 40))
        let valid = dir + "/valid.ckpt"
        try original.write(to: valid)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: valid)))
        let path = dir + "/fuzz.ckpt"
        var rng = SplitMixGenerator(seed: 77)
        let trials = 10_000
        var read = 0, refused = 0
        for trial in 0..<trials {
            var mutated = bytes
            switch trial % 4 {
            case 0:  // bit flips anywhere (the CRC catches them)
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    mutated[Int.random(in: 0..<mutated.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                }
            case 1:  // truncation
                mutated = Array(mutated.prefix(Int.random(in: 0..<mutated.count, using: &rng)))
            case 2:  // any field overwritten (counts, string lengths, version), then re-sealed
                let width = [1, 4, 8].randomElement(using: &rng)!
                let at = Int.random(in: 0...(mutated.count - 4 - width), using: &rng)
                for k in 0..<width { mutated[at + k] = Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : 0xFF }
                mutated = Self.sealed(mutated)
            default:  // trailing garbage
                mutated += (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            _ = mutated.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            do {
                let checkpoint = try Checkpoint.read(from: path)
                read += 1
                if trial % 4 != 2 {
                    #expect(checkpoint.parameters == original.parameters && checkpoint.update == original.update, "trial \(trial)")
                }
            } catch is CheckpointError {
                refused += 1
            } catch is BinaryFormatError {
                refused += 1
            }
        }
        print("checkpoint reader fuzz: \(trials) inputs, \(read) read, \(refused) refused")
        #expect(read + refused == trials && refused >= trials / 2)
    }
}
