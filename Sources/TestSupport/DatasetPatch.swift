import BinaryFormat
import Datasets
import Foundation

/// Rewrites a dataset file with some stored floats replaced and every checksum made valid again,
/// so that only the readers' value checks can catch the change (a test's stand-in for a tool that
/// writes bad data correctly framed).
public enum DatasetPatch {
    /// Which float section to change.
    public enum Section: Sendable { case observations, rewards }

    /// Copies `source` to `destination`, setting the given indices of `section` to `value`.
    public static func replace(_ section: Section, indices: [Int], with value: Float, source: String, destination: String) throws {
        let contents = try DatasetFile(path: source).contents()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let floats = section == .observations ? contents.observations : contents.rewards
        let original = floats.withUnsafeBytes { [UInt8]($0) }
        guard let start = bytes.firstRange(of: original)?.lowerBound else { throw PatchError("section not found in \(source)") }
        var patched = floats
        for index in indices { patched[index] = value }
        let replacement = patched.withUnsafeBytes { [UInt8]($0) }
        bytes.replaceSubrange(start..<(start + replacement.count), with: replacement)
        // The section's CRC32C sits in the header: swap the old value for the new, then re-seal the header.
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        let header = 20..<(20 + headerLength)
        let oldCRC = littleEndian(CRC32C.checksum(original)), newCRC = littleEndian(CRC32C.checksum(replacement))
        guard let at = bytes[header].firstRange(of: oldCRC)?.lowerBound else { throw PatchError("section CRC not found") }
        bytes.replaceSubrange(at..<(at + 4), with: newCRC)
        bytes.replaceSubrange(16..<20, with: littleEndian(CRC32C.checksum(Array(bytes[header]))))
        try Data(bytes).write(to: URL(fileURLWithPath: destination))
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    struct PatchError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
