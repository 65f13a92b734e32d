#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why bytes could not be read or written.
///
/// Every case names the file (or `<memory>`) and the field, says what was found against what was
/// expected, and what to do.
public enum BinaryFormatError: Error, CustomStringConvertible, Equatable {
    /// A read ran past the end of the available bytes.
    case unexpectedEnd(source: String, field: String, offset: Int, needed: Int, available: Int)
    /// A length-prefixed string is not valid UTF-8 or is longer than allowed.
    case badString(source: String, field: String, reason: String)
    /// A system call failed while writing or mapping a file.
    case io(path: String, operation: String, errno: Int32)
    /// The path names a FIFO, device, directory or socket where a regular file is expected.
    case notRegularFile(path: String)

    public var description: String {
        switch self {
        case .unexpectedEnd(let source, let field, let offset, let needed, let available):
            "\(source): \(field) needs \(needed) bytes at offset \(offset) but only \(available) remain; "
                + "the file is truncated or corrupted: re-copy or re-create it."
        case .badString(let source, let field, let reason):
            "\(source): \(field) is not a valid string (\(reason)); the file is corrupted: re-create it."
        case .io(let path, let operation, let code):
            "\(path): \(operation) failed (errno \(code): \(String(cString: strerror(code)))); check the path, permissions and free disk space."
        case .notRegularFile(let path):
            "\(path) is not a regular file (a directory, FIFO, device or socket); point at the file itself."
        }
    }
}
