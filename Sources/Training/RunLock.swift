import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a run directory (`RUN_DIR/.lock`, flock), held by rank 0 of whatever
/// writes the run — `train`, `train --resume`, `evaluate` — for as long as the process lives.
///
/// The kernel releases it when the process exits, however it exits, so a crashed run never leaves
/// a stale lock. The file holds the holder's host, pid and command, which a refused second writer
/// prints.
public final class RunLock {
    private let descriptor: Int32
    public let path: String

    /// Takes the lock on `directory` (which must exist): throws at once when another process holds
    /// it, or with `waits` blocks until it is free.
    /// - Parameter purpose: what the holder does ("train", "evaluate"), shown to a refused writer.
    /// - Throws: `RunDirectoryError.locked` naming the holder, or `.cannotWrite`.
    public init(directory: String, purpose: String, waits: Bool = false) throws {
        path = directory + "/.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RunDirectoryError.cannotWrite(path) }
        var taken = flock(descriptor, LOCK_EX | (waits ? 0 : LOCK_NB))
        while waits && taken != 0 && errno == EINTR { taken = flock(descriptor, LOCK_EX) }
        guard taken == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw RunDirectoryError.locked(directory, holder.flatMap { $0.isEmpty ? nil : $0 } ?? "another process")
        }
        let holder = "\(ProcessInfo.processInfo.hostName) pid \(getpid()) (\(purpose), since \(Date()))\n"
        _ = ftruncate(descriptor, 0)
        _ = holder.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit { close(descriptor) }

    /// Whether another process holds the lock on `directory` now: a probe that takes the lock and
    /// drops it at once when it is free (true also when it cannot be taken at all).
    public static func isHeld(directory: String, purpose: String) -> Bool {
        do { _ = try RunLock(directory: directory, purpose: purpose) } catch { return true }
        return false
    }
}
