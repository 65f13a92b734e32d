import TapeReference
import TensorCore
import TestSupport

/// Gradient check of a function built from `Tape` ops.
///
/// The objective is f(x) = Σ_j r_j·out_j(x) with fixed random weights r ∈ [−1, 1] (so every output
/// element matters); its gradient comes from `Tape.backward(from: out, seed: r)` and is compared
/// with `GradientChecker`.
///
/// The absolute tolerance grows with the output's size: each Float32 output carries rounding
/// noise of a few ulps (≈ 5e-7 relative), which the difference quotient divides by 2ε; so
/// `absoluteTolerance + 5e-7·Σ|r_j·out_j| / 2ε` is allowed. This matters only where the true
/// derivative is near zero (e.g. a group norm over 2 values, whose output is ±1 whatever x is).
enum TapeGradientCheck {
    /// - Parameters:
    ///   - inputs: the differentiated inputs (each becomes `tape.input`); fixed data goes in `build`'s captures.
    ///   - seed: seeds the output weights and the directions.
    ///   - build: records the function on the tape and returns its output.
    /// - Returns: one result per input and direction.
    static func check(
        inputs: [Tensor], seed: UInt64, directions: Int = 2, epsilon: Float = GradientChecker.defaultEpsilon,
        relativeTolerance: Double = GradientChecker.defaultRelativeTolerance,
        absoluteTolerance: Double = GradientChecker.defaultAbsoluteTolerance,
        build: (Tape, [Variable]) -> Variable
    ) -> [GradientCheckResult] {
        let tape = Tape()
        let variables = inputs.map { tape.input(Tensor(shape: $0.shape, values: $0.toArray())) }
        let output = build(tape, variables)
        var stream = RandomStream(seed: seed).derived("gradient-check output weights")
        let weights = (0..<output.value.count).map { _ in 2 * stream.nextUniformFloat() - 1 }
        tape.backward(from: output, seed: Tensor(shape: output.shape, values: weights))
        let magnitude = zip(weights, output.value.toArray()).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
        let noiseFloor = 5e-7 * magnitude / (2 * Double(epsilon))
        let gradients = variables.map { tape.gradient(of: $0)?.toArray() ?? [Float](repeating: 0, count: $0.value.count) }
        return GradientChecker.check(
            point: inputs.map { $0.toArray() }, gradient: gradients, directions: directions, epsilon: epsilon,
            relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance + noiseFloor, seed: seed
        ) { point in
            let probe = Tape()
            let probeInputs = zip(inputs, point).map { probe.input(Tensor(shape: $0.shape, values: $1)) }
            let values = build(probe, probeInputs).value.toArray()
            var sum = 0.0
            for j in values.indices { sum += Double(weights[j]) * Double(values[j]) }
            return sum
        }
    }
}
