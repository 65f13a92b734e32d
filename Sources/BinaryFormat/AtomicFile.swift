#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file so that its final name only ever holds a complete copy.
///
/// Steps: create `.<name>.tmp-<pid>` in the same directory, write, fsync, rename over the final
/// name, fsync the directory. A failure removes the temporary file and throws; the final name then
/// still holds its previous contents (or nothing).
public enum AtomicFile {
    /// Writes the bytes that `body` emits through the sink to `path`, atomically.
    /// - Throws: `BinaryFormatError.io` naming the failing call, or whatever `body` throws.
    public static func write(to path: String, _ body: (inout FileSink) throws -> Void) throws {
        let directory = parentDirectory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = directory + "/." + name + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw BinaryFormatError.io(path: temporary, operation: "open", errno: errno) }
        var sink = FileSink(descriptor: fd, path: temporary)
        do {
            try body(&sink)
            guard fsync(fd) == 0 else { throw BinaryFormatError.io(path: temporary, operation: "fsync", errno: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw BinaryFormatError.io(path: temporary, operation: "close", errno: code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw BinaryFormatError.io(path: path, operation: "rename", errno: code)
        }
        let directoryFD = open(directory, O_RDONLY)
        if directoryFD >= 0 {
            // Makes the rename itself durable; some filesystems refuse fsync on directories, harmlessly.
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Writes `bytes` to `path`, atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { sink in try sink.write(bytes) }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}

/// The writing end handed to `AtomicFile.write(to:_:)`; counts the bytes written.
public struct FileSink {
    let descriptor: Int32
    let path: String
    /// Bytes written so far.
    public private(set) var bytesWritten = 0

    /// Appends raw bytes.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw BinaryFormatError.io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
        bytesWritten += done
    }

    /// Appends an array's bytes.
    public mutating func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Appends the raw bytes of an array of trivial values (little-endian host).
    public mutating func write<T: BitwiseCopyable>(elements: [T]) throws {
        try elements.withUnsafeBytes { try write($0) }
    }

    /// Appends zero bytes until `bytesWritten` is a multiple of `alignment`.
    public mutating func pad(toMultipleOf alignment: Int) throws {
        let remainder = bytesWritten % alignment
        if remainder != 0 { try write([UInt8](repeating: 0, count: alignment - remainder)) }
    }
}
