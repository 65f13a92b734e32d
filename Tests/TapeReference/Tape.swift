import TensorCore

/// Reverse-mode automatic differentiation over a linear record of ops (micrograd / llm.c style).
///
/// A test-only reference: the product (model, losses, trainer) runs the fused kernels of
/// `Sources/Kernels` with hand-written backward passes over flat parameter arenas; this tape is
/// exercised only by its own tests (TapeReferenceTests).
///
/// Each op computes its forward value into the tape's `TapeWorkspace` and records a hand-written
/// backward closure next to it. `backward(from:)` walks the record in reverse; every backward
/// ACCUMULATES into its inputs' gradients (`dX += …`), never overwrites. Parameter gradients
/// live in a `ParameterArena` laid out like the parameters (zero it once per step, e.g.
/// `gradients.zero()`); other gradients live in the workspace.
///
/// Per step: `reset()`, build the forward with ops, `backward(from: loss)`, read the gradient
/// arena. `reset` keeps all memory (workspace blocks, node storage), so a fixed-shape training
/// loop stops allocating after its first step.
///
/// Not thread-safe: one tape per thread (rank), used from one thread at a time.
///
/// Properties: a variable's gradient is created on first need (zeroed, or written with
/// GEMM beta 0); nodes unreachable from the output are never visited.
public final class Tape: @unchecked Sendable {
    /// Where forward values, saved statistics and intermediate gradients live.
    public let workspace: TapeWorkspace

    struct Node {
        var value: Tensor
        var gradient: Tensor?
        var backward: ((Tape, Tensor) -> Void)?
    }

    private var nodes: [Node] = []

    /// A tape with its own workspace of `workspaceCapacity` floats (grows on demand).
    public init(workspaceCapacity: Int = 1 << 16) {
        workspace = TapeWorkspace(capacity: workspaceCapacity)
    }

    /// Forgets every node and frees the workspace for the next step (keeps all memory).
    public func reset() {
        nodes.removeAll(keepingCapacity: true)
        workspace.reset()
    }

    // MARK: - Leaves

    /// A value that takes no gradient (data, masks).
    public func constant(_ value: Tensor) -> Variable { Variable(value: value, nodeIndex: -1) }

    /// A value whose gradient is wanted (kept in the workspace; read it with `gradient(of:)`).
    public func input(_ value: Tensor) -> Variable { appendNode(value: value, gradient: nil, backward: nil) }

    /// A parameter: value and gradient are given views (usually arena slices); backward adds into `gradient`.
    public func parameter(value: Tensor, gradient: Tensor) -> Variable {
        precondition(value.shape == gradient.shape, "parameter value \(value.shape) vs gradient \(gradient.shape)")
        return appendNode(value: value, gradient: gradient, backward: nil)
    }

    /// Parameter `slice` of `values`, with its gradient in the same slice of `gradients` (same layout).
    public func parameter(_ slice: ParameterSlice, values: ParameterArena, gradients: ParameterArena) -> Variable {
        precondition(values.layout.totalCount == gradients.layout.totalCount,
                     "parameter \(slice.name): values and gradients arenas have different layouts")
        return parameter(value: Tensor(values, slice), gradient: Tensor(gradients, slice))
    }

    // MARK: - Backward

    /// Runs every recorded backward in reverse order, starting from `output`.
    ///
    /// - Parameters:
    ///   - output: the variable to differentiate; it must require a gradient.
    ///   - seed: d(objective)/d(output), same shape; nil means all ones (e.g. a scalar loss).
    public func backward(from output: Variable, seed: Tensor? = nil) {
        precondition(output.requiresGradient, "backward(from:) needs a variable that depends on a parameter or input")
        let (dOut, beta) = gemmTarget(of: output)!
        if let seed {
            precondition(seed.count == output.value.count, "backward seed \(seed.shape) vs output \(output.shape)")
            if beta == 0 { Kernels.copy(seed, into: dOut) } else { Kernels.add(seed, into: dOut) }
        } else {
            if beta == 0 { dOut.fill(0) }
            Kernels.addScalar(1, into: dOut)
        }
        var index = output.nodeIndex
        while index >= 0 {
            let node = nodes[index]
            if let backward = node.backward, let gradient = node.gradient { backward(self, gradient) }
            index -= 1
        }
    }

    /// The accumulated gradient of `variable` after `backward` (nil for constants or unreached nodes).
    public func gradient(of variable: Variable) -> Tensor? {
        variable.requiresGradient ? nodes[variable.nodeIndex].gradient : nil
    }

    // MARK: - Custom (fused) ops

    /// Records a hand-written op: `value` was computed by the caller from `inputs`; `backward`
    /// receives dValue and must ADD each input's gradient into `accumulationGradient(of:)`.
    /// Returns a constant when no input needs a gradient (then `backward` is never called).
    public func recordCustom(_ value: Tensor, inputs: [Variable], backward: @escaping (Tape, Tensor) -> Void) -> Variable {
        record(value, inputList: inputs, backward: backward)
    }

    /// The gradient buffer of `variable` to add into (created zeroed on first use); nil for constants.
    public func accumulationGradient(of variable: Variable) -> Tensor? { gradientTarget(of: variable) }

    // MARK: - For ops

    /// Records an op's output; returns a constant when no input needs a gradient.
    func record(_ value: Tensor, inputs: Variable..., backward: @escaping (Tape, Tensor) -> Void) -> Variable {
        guard inputs.contains(where: \.requiresGradient) else { return constant(value) }
        return appendNode(value: value, gradient: nil, backward: backward)
    }

    /// Same as `record` for ops with an array of inputs (concat).
    func record(_ value: Tensor, inputList: [Variable], backward: @escaping (Tape, Tensor) -> Void) -> Variable {
        guard inputList.contains(where: \.requiresGradient) else { return constant(value) }
        return appendNode(value: value, gradient: nil, backward: backward)
    }

    /// The gradient buffer of `variable` to accumulate into (created zeroed); nil for constants.
    func gradientTarget(of variable: Variable) -> Tensor? {
        guard variable.requiresGradient else { return nil }
        if let g = nodes[variable.nodeIndex].gradient { return g }
        let g = workspace.zeros(variable.value.shape)
        nodes[variable.nodeIndex].gradient = g
        return g
    }

    /// Like `gradientTarget`, for a writer that can overwrite: beta is 0 when the buffer is new
    /// (left uninitialised, the caller must write every element), else 1 (accumulate).
    func gemmTarget(of variable: Variable) -> (gradient: Tensor, beta: Float)? {
        guard variable.requiresGradient else { return nil }
        if let g = nodes[variable.nodeIndex].gradient { return (g, 1) }
        let g = workspace.allocate(variable.value.shape)
        nodes[variable.nodeIndex].gradient = g
        return (g, 0)
    }

    private func appendNode(value: Tensor, gradient: Tensor?, backward: ((Tape, Tensor) -> Void)?) -> Variable {
        nodes.append(Node(value: value, gradient: gradient, backward: backward))
        return Variable(value: value, nodeIndex: nodes.count - 1)
    }
}
