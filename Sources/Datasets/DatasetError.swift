/// Why a dataset file was refused, or could not be written, collected or sampled.
///
/// Each case names the file (or task), the failing section or field, what was found against what
/// was expected, and what to do (STYLE.md §6).
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case badMagic(path: String, found: String)
    case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
    case truncated(path: String, section: String, expectedBytes: Int, actualBytes: Int)
    case checksumMismatch(path: String, section: String, stored: UInt32, computed: UInt32)
    case badField(path: String, section: String, field: String, found: String, expected: String)
    case inconsistentContents(field: String, found: Int, expected: Int)
    case badCollectionRequest(task: String, reason: String)
    case incompatibleTasks(reason: String)
    case taskTooShort(task: String, steps: Int, windowLength: Int)
    case notFound(path: String)
    case wrongTask(path: String, field: String, found: String, expected: String, task: String)
    case invalidOption(name: String, value: String, expected: String)
    /// A file a command would write exists already (it never replaces a dataset).
    case outputExists(path: String)

    public var description: String {
        switch self {
        case .badMagic(let path, let found):
            "\(path): header: magic is \(found), expected \"MTRLDSET\"; this is not an mtrl-dist dataset "
                + "(or its start is damaged): re-run `mtrl-dist collect`."
        case .unsupportedVersion(let path, let found, let supported):
            "\(path): header: format version \(found), this build reads version \(supported); "
                + "re-collect the dataset with this build."
        case .truncated(let path, let section, let expected, let actual):
            "\(path): \(section) ends after \(actual) of \(expected) bytes; re-copy it or re-run `mtrl-dist collect`."
        case .checksumMismatch(let path, let section, let stored, let computed):
            "\(path): \(section): CRC32C is \(hex(computed)), header says \(hex(stored)); the file is corrupted: "
                + "re-copy it or re-run `mtrl-dist collect`."
        case .badField(let path, let section, let field, let found, let expected):
            "\(path): \(section): \(field) is \(found), expected \(expected); the file is corrupted or was "
                + "written by another tool: re-run `mtrl-dist collect`."
        case .inconsistentContents(let field, let found, let expected):
            "dataset contents: \(field) has \(found) values, expected \(expected); fix the code that built it."
        case .badCollectionRequest(let task, let reason):
            "collect \(task): \(reason)."
        case .incompatibleTasks(let reason):
            "sampler: \(reason)."
        case .taskTooShort(let task, let steps, let windowLength):
            "sampler: task \(task) has \(steps) stored steps, fewer than the window length T = \(windowLength); "
                + "collect more episodes or lower T."
        case .invalidOption(let name, let value, let expected):
            "\(name) is \(value), expected \(expected)."
        case let .wrongTask(path, field, found, expected, task):
            "\(path): header: \(field) is \(found), expected \(expected) for task \(task); the file holds another "
                + "task's data (renamed or copied over): re-run `mtrl-dist collect --task \(task)`."
        case .outputExists(let path):
            "\(path) exists already and is never replaced (it may be the source itself): choose another --out "
                + "or move the file away first."
        case .notFound(let path):
            "\(path): no such dataset file or directory; check the path or run `mtrl-dist collect` first."
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
