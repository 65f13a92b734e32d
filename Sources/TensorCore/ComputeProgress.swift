import Foundation

/// Turns for work that must run on one particular thread while that thread computes: the
/// gradient all-reduce polls MPI (initialised funneled, so only the main thread may call it)
/// between the kernels of backward, so its non-blocking reductions advance while backward runs.
///
/// `polling(every:_:during:)` installs `poll` for the calling thread; `Parallel.forEachChunk` and
/// `BLAS.sgemm` call `tick()` when they return to their caller, which runs `poll` there if at
/// least `interval` seconds passed since its last run. Other threads' ticks do nothing.
/// One installation at a time; no nesting.
public enum ComputeProgress {
    private struct Installed {
        let thread: pthread_t
        let poll: () -> Void
        let interval: UInt64
        var last: UInt64
    }

    /// Written only by the installing thread, outside parallel work; read by `tick`.
    nonisolated(unsafe) private static var installed: Installed?

    /// Runs `body` with `poll` called on this thread between compute kernels, at most once per
    /// `interval` seconds.
    public static func polling<R>(every interval: Double, _ poll: () -> Void, during body: () throws -> R) rethrows -> R {
        precondition(installed == nil, "ComputeProgress.polling does not nest")
        return try withoutActuallyEscaping(poll) { escapable in
            installed = Installed(thread: pthread_self(), poll: escapable, interval: UInt64(max(0, interval) * 1e9),
                                  last: DispatchTime.now().uptimeNanoseconds)
            defer { installed = nil }
            return try body()
        }
    }

    /// Called by the compute layer after a kernel returns to its caller: runs the installed poll
    /// if this is its thread and its interval has passed.
    @inline(__always)
    public static func tick() {
        guard installed != nil else { return }
        pollIfDue()
    }

    private static func pollIfDue() {
        guard let current = installed, pthread_equal(current.thread, pthread_self()) != 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - current.last >= current.interval else { return }
        current.poll()
        installed?.last = DispatchTime.now().uptimeNanoseconds
    }
}
