import Foundation

/// Records SIGTERM, SIGINT and SIGUSR1 so the trainer can checkpoint and exit cleanly (Slurm's
/// pre-timeout signal, `scancel`, the time limit, Ctrl-C, or mpirun forwarding a signal).
///
/// The handler only stores the signal and posts a semaphore (both async-signal-safe); a thread
/// waiting in `waitForSignal()` then writes the checkpoint of the last completed update at once,
/// while the update in flight goes on, so the checkpoint lands even when a launcher kills the
/// ranks soon after the signal.
public enum SignalFlag {
    /// Exit code after a signal-triggered checkpoint: "checkpointed, requeue me" (EX_TEMPFAIL).
    public static let checkpointedExitCode: Int32 = 75

    /// Installs the handlers. Safe to call more than once.
    public static func install() {
        _ = wakeup
        for s in [SIGTERM, SIGINT, SIGUSR1] { signal(s, signalFlagHandler) }
    }

    /// The signal received so far, or 0.
    public static var received: Int32 { receivedSignal }

    /// Blocks the calling thread until a signal arrives (returns at once for each one received).
    static func waitForSignal() {
        while sem_wait(wakeup) != 0 && errno == EINTR {}
    }
}

// Written by the async-signal handler and read by the training loop; a plain Int32 store is
// async-signal-safe, and a stale read only delays the stop by one update.
nonisolated(unsafe) private var receivedSignal: Int32 = 0
/// Posted by the handler (sem_post is async-signal-safe), waited on by the checkpoint thread.
nonisolated(unsafe) private let wakeup: UnsafeMutablePointer<sem_t> = {
    let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    sem_init(semaphore, 0, 0)
    return semaphore
}()
private func signalFlagHandler(_ signal: Int32) {
    receivedSignal = signal
    sem_post(wakeup)
}
