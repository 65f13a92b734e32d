import Foundation

/// HL-Gauss histogram regression targets (spec §5).
///
/// Support [v_min, v_max] in K equal bins of width w; σ = ratio·w. For a scalar target y,
/// ỹ = clip(y, v_min, v_max), Φ_k = erf((e_k − ỹ)/(√2 σ)) at the K+1 edges and
/// p_k = (Φ_{k+1} − Φ_k)/(Φ_K − Φ_0). The scalar readout of logits z is Σ_k softmax(z)_k c_k.
public struct HLGauss: Codable, Equatable, Sendable {
    public var valueMin: Double
    public var valueMax: Double
    public var binCount: Int
    public var sigmaRatio: Double

    public init(valueMin: Double, valueMax: Double, binCount: Int, sigmaRatio: Double = 0.75) {
        precondition(valueMax > valueMin && binCount >= 1, "HL-Gauss support [\(valueMin), \(valueMax)] with \(binCount) bins")
        self.valueMin = valueMin
        self.valueMax = valueMax
        self.binCount = binCount
        self.sigmaRatio = sigmaRatio
    }

    public var binWidth: Double { (valueMax - valueMin) / Double(binCount) }
    /// Bin centres c_k (K values).
    public var centers: [Float] { (0..<binCount).map { Float(valueMin + (Double($0) + 0.5) * binWidth) } }

    /// Writes the K-bin target histogram of `y` into `out`.
    public func histogram(_ y: Double, into out: UnsafeMutablePointer<Float>) {
        let clipped = min(max(y, valueMin), valueMax)
        let scale = 1 / (2.0.squareRoot() * sigmaRatio * binWidth)
        let w = binWidth
        let first = erf((valueMin - clipped) * scale), last = erf((valueMax - clipped) * scale)
        let mass = last - first
        var previous = first
        for k in 0..<binCount {
            let next = k == binCount - 1 ? last : erf((valueMin + Double(k + 1) * w - clipped) * scale)
            out[k] = Float((next - previous) / mass)
            previous = next
        }
    }

    /// The histogram as an array (tests, diagnostics).
    public func histogram(_ y: Double) -> [Float] {
        var out = [Float](repeating: 0, count: binCount)
        out.withUnsafeMutableBufferPointer { histogram(y, into: $0.baseAddress!) }
        return out
    }
}
