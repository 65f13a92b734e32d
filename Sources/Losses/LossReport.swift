/// Loss values of one update (spec §4.4). Per-task terms are this process's sums divided by the
/// global token counts of the task, so summing reports over ranks gives the global values.
public struct LossReport: Sendable, Equatable {
    /// Per task τ: critic / TD term L_τ (m_td tokens), policy or BC term (m tokens), CQL penalty (m_td tokens).
    public var critic: [Double]
    public var policy: [Double]
    public var conservative: [Double]
    /// The reduced objective (Eq. 1, or the plain masked mean) with c_Q / α_CQL applied.
    public var total: Double
    /// Reduced terms without weights (mean over present tasks, or plain masked means).
    public var criticMean: Double
    public var policyMean: Double
    public var conservativeMean: Double

    /// The weighted per-task objective: c_Q·critic + policy + α_CQL·conservative.
    public func taskTotal(_ task: Int, criticCoefficient: Double, cqlWeight: Double) -> Double {
        criticCoefficient * critic[task] + policy[task] + cqlWeight * conservative[task]
    }
}
