/// Coefficients of the PPO loss (spec online-sable.md §1.6; defaults of §1.9, the same in both
/// Mava config sets).
public struct PPOSettings: Sendable, Equatable, Codable {
    /// ε of the clipped ratio, reused for the value clip (pitfall P9).
    public var clip: Float
    /// c_ent.
    public var entropyCoefficient: Float
    /// c_v.
    public var valueCoefficient: Float

    public init(clip: Float = 0.2, entropyCoefficient: Float = 0.01, valueCoefficient: Float = 0.5) {
        self.clip = clip
        self.entropyCoefficient = entropyCoefficient
        self.valueCoefficient = valueCoefficient
    }
}
