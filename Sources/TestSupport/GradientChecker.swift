import TensorCore

/// The outcome of one directional-derivative comparison.
public struct GradientCheckResult: Sendable, CustomStringConvertible {
    /// Which input (position in the point) was perturbed, and the direction's number.
    public let input: Int
    public let direction: Int
    /// ⟨∇f(x), v⟩ from the analytic gradient.
    public let analytic: Double
    /// (f(x+εv) − f(x−εv)) / 2ε.
    public let numeric: Double
    /// Largest allowed |analytic − numeric|.
    public let tolerance: Double

    public var error: Double { abs(analytic - numeric) }
    public var passed: Bool { error <= tolerance }

    public var description: String {
        "input \(input) direction \(direction): analytic \(analytic), numeric \(numeric), "
            + "|diff| \(error) vs tolerance \(tolerance)\(passed ? "" : "  FAILED")"
    }
}

/// Checks an analytic gradient against central finite differences along random directions.
///
/// For each input i and each random direction v (standard normal entries, nonzero on input i only):
/// numeric = (f(x+εv) − f(x−εv)) / 2ε, analytic = ⟨∇ᵢf, v⟩, both in Float64. The perturbed points
/// are rounded to Float32; the analytic side uses the rounded step (x+εv) − (x−εv) actually taken,
/// so input rounding cancels out.
///
/// Tolerance: |analytic − numeric| ≤ relative·max(|analytic|, |numeric|) + absolute. Why these
/// defaults: a Float32 forward carries ~1e-7 relative rounding per op, which after division by
/// 2ε = 2e-2 leaves ~1e-5 relative noise, and the O(ε²) truncation term is ~1e-4 relative for
/// smooth ops with O(1) curvature; 1e-2 relative leaves a wide margin for both, while a wrong
/// backward (a dropped term, a wrong factor, a transpose) is off by O(1) relative.
public enum GradientChecker {
    public static let defaultEpsilon: Float = 1e-2
    public static let defaultRelativeTolerance = 1e-2
    public static let defaultAbsoluteTolerance = 1e-4

    /// Compares `gradient` (∇f at `point`) with finite differences of `evaluate`.
    ///
    /// - Parameters:
    ///   - point: the inputs x, one flat array per input.
    ///   - gradient: ∇f(x), same layout as `point`.
    ///   - directions: random directions per input.
    ///   - seed: seeds the directions.
    ///   - evaluate: f at a given point, accumulated in Float64.
    /// - Returns: one result per input and direction (inputs with no elements are skipped).
    public static func check(
        point: [[Float]], gradient: [[Float]], directions: Int = 2, epsilon: Float = defaultEpsilon,
        relativeTolerance: Double = defaultRelativeTolerance, absoluteTolerance: Double = defaultAbsoluteTolerance,
        seed: UInt64 = 0, evaluate: ([[Float]]) throws -> Double
    ) rethrows -> [GradientCheckResult] {
        precondition(point.count == gradient.count && zip(point, gradient).allSatisfy { $0.count == $1.count },
                     "gradient check: gradient layout differs from the point's")
        var stream = RandomStream(seed: seed).derived("gradient-check directions")
        var results: [GradientCheckResult] = []
        for input in point.indices where !point[input].isEmpty {
            for direction in 0..<directions {
                var plus = point, minus = point
                var analytic = 0.0
                for j in point[input].indices {
                    let v = Float(stream.nextNormal())
                    plus[input][j] = point[input][j] + epsilon * v
                    minus[input][j] = point[input][j] - epsilon * v
                    analytic += Double(gradient[input][j]) * (Double(plus[input][j]) - Double(minus[input][j]))
                }
                let numeric = try evaluate(plus) - evaluate(minus)
                let scale = 1 / (2 * Double(epsilon))
                let a = analytic * scale, n = numeric * scale
                let tolerance = relativeTolerance * max(abs(a), abs(n)) + absoluteTolerance
                results.append(GradientCheckResult(input: input, direction: direction, analytic: a, numeric: n,
                                                   tolerance: tolerance))
            }
        }
        return results
    }
}
