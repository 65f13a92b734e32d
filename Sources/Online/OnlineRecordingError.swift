/// A dataset recording of an online run that cannot go on.
public enum OnlineRecordingError: Error, CustomStringConvertible {
    case badSettings(String)
    case snapshotOutOfRange(Int, count: Int)
    /// A snapshot file of the run's recording directory that does not belong to this recording.
    case foreignSnapshot(path: String, reason: String)
    case missingSnapshots(directory: String, missing: [Int])

    public var description: String {
        switch self {
        case .badSettings(let reason): "bad recording settings: \(reason)."
        case let .snapshotOutOfRange(j, count): "snapshot \(j) is outside 0..<\(count) (the recording's S)."
        case let .foreignSnapshot(path, reason):
            "\(path) does not belong to this recording (\(reason)); remove it (or the whole recording directory) to record it again."
        case let .missingSnapshots(directory, missing):
            "cannot finish the dataset: \(directory) lacks snapshot(s) \(missing.map(String.init).joined(separator: ", ")); "
                + "resume the run so they are recorded."
        }
    }
}
