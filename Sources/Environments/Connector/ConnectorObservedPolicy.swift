/// The observation-based behaviour of Connector (see `ObservationPolicy`). PLACEHOLDER: NOOP-like
/// first legal action, to be replaced by the real policy.
final class ConnectorObservedPolicy: ObservationPolicy {
    let parameters: ConnectorParameters
    let copies: Int

    init(parameters: ConnectorParameters, copies: Int) {
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
