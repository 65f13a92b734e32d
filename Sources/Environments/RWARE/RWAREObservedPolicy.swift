/// The observation-based behaviour of RWARE (see `ObservationPolicy`). PLACEHOLDER: NOOP-like
/// first legal action, to be replaced by the real policy.
final class RWAREObservedPolicy: ObservationPolicy {
    let parameters: RWAREParameters
    let copies: Int

    init(parameters: RWAREParameters, copies: Int) {
        self.parameters = parameters
        self.copies = copies
    }

    func reset(copy: Int) {}

    func act(observations: [Float], legal: [UInt8], into actions: inout [Int32]) {
        let a = legal.count / max(1, actions.count)
        for slot in actions.indices {
            actions[slot] = Int32((0..<a).first { legal[slot * a + $0] != 0 } ?? 0)
        }
    }
}
