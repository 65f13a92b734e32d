/// A tensor recorded on a `Tape`: its value and, when it needs one, the tape node holding its gradient.
///
/// Constants (inputs without gradients, fixed masks) have `requiresGradient == false`; an op whose
/// inputs are all constants records nothing and returns a constant.
public struct Variable: @unchecked Sendable {
    /// The forward value.
    public let value: Tensor
    /// Index of the tape node (−1 for a constant).
    let nodeIndex: Int

    init(value: Tensor, nodeIndex: Int) {
        self.value = value
        self.nodeIndex = nodeIndex
    }

    public var shape: Shape { value.shape }
    public var requiresGradient: Bool { nodeIndex >= 0 }
}
