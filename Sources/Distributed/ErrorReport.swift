#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Flushes stdout and writes `[rank r] error: message` to stderr in one `write`, so lines of
/// several ranks do not interleave (STYLE §4).
func reportFatalError(rank: Int, message: String) {
    fflush(nil)
    let line = Array("[rank \(rank)] error: \(message)\n".utf8)
    line.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
