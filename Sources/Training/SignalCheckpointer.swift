import Foundation

/// The thread that acts on a signal at once (see `SignalFlag`): it runs the registered action —
/// the trainer's checkpoint of its last completed update — while the main thread may still be in
/// the middle of an update. One per process, started on first use.
final class SignalCheckpointer: @unchecked Sendable {
    static let shared = SignalCheckpointer()
    private let lock = NSLock()
    private var action: (() -> Void)?

    private init() {
        let thread = Thread { [unowned self] in
            while true {
                SignalFlag.waitForSignal()
                lock.lock()
                let current = action
                lock.unlock()
                current?()
            }
        }
        thread.name = "signal checkpoint"
        thread.start()
    }

    /// Sets (or clears, with nil) what runs when a signal arrives.
    func register(_ action: (() -> Void)?) {
        lock.lock()
        self.action = action
        lock.unlock()
    }
}
