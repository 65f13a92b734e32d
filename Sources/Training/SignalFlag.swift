import Foundation

/// Records SIGTERM / SIGUSR1 so the training loop can checkpoint and exit cleanly
/// (Slurm's pre-timeout signal, `scancel`, or mpirun forwarding a signal).
public enum SignalFlag {
    /// Exit code after a signal-triggered checkpoint: "checkpointed, requeue me" (EX_TEMPFAIL).
    public static let checkpointedExitCode: Int32 = 75

    /// Installs the handlers. Safe to call more than once.
    public static func install() {
        signal(SIGTERM, signalFlagHandler)
        signal(SIGUSR1, signalFlagHandler)
    }

    /// The signal received so far, or 0.
    public static var received: Int32 { receivedSignal }
}

// Written by the async-signal handler and read by the training loop; a plain Int32 store is
// async-signal-safe, and a stale read only delays the stop by one update.
nonisolated(unsafe) private var receivedSignal: Int32 = 0
private func signalFlagHandler(_ signal: Int32) { receivedSignal = signal }
