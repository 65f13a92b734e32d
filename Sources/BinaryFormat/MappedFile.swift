#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only memory map of a whole file; owns the mapping and unmaps it in `deinit`.
///
/// Borrow the bytes with `withUnsafeBytes`; the pointer must not escape. The base address is
/// page-aligned, so any offset that is a multiple of 64 is 64-byte aligned.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    /// File size in bytes at the time of mapping.
    public let count: Int
    private let base: UnsafeMutableRawPointer?

    /// Maps `path` read-only.
    /// - Throws: `BinaryFormatError.io` if the file cannot be opened, measured or mapped.
    public init(path: String) throws {
        self.path = path
        // O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore the flag.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw BinaryFormatError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw BinaryFormatError.io(path: path, operation: "fstat", errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw BinaryFormatError.notRegularFile(path: path) }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw BinaryFormatError.io(path: path, operation: "mmap", errno: errno)
        }
        base = mapped
    }

    deinit { if let base { munmap(base, count) } }

    /// Borrows the mapped bytes for the duration of `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0) }, count: count))
    }

    /// A copy of `count` bytes at `offset` (caller checks bounds).
    public func copyBytes(offset: Int, count length: Int) -> [UInt8] {
        precondition(
            offset >= 0 && length >= 0 && offset + length <= count, "range \(offset)+\(length) outside \(count) bytes")
        return withUnsafeBytes { Array($0[offset..<offset + length]) }
    }
}
