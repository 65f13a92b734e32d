import Statistics

/// One quality stage of a dataset recorded from an online run, a row of format version 3's stage
/// table (spec online-sable.md §2.2, §2.3): the policy snapshot whose episodes form the stage, its
/// label score and its label.
public struct SnapshotStage: Sendable, Equatable {
    /// Training updates done when the snapshot was taken (0: the untrained policy).
    public var update: Int
    /// Env timesteps of training so far (all ranks).
    public var environmentSteps: Int
    /// The label score: the snapshot's mean return over its label episodes (spec P19).
    public var score: MeanWithError
    /// q = score / R_ref; NaN while the run's reference is unknown or when R_ref ≤ 0 (spec §3).
    public var normalisedScore: Double

    public init(update: Int, environmentSteps: Int, score: MeanWithError, normalisedScore: Double = .nan) {
        self.update = update
        self.environmentSteps = environmentSteps
        self.score = score
        self.normalisedScore = normalisedScore
    }

    /// Poor / Medium / Good by q; nil where q is NaN.
    public var label: QualityLabel? { QualityLabel(normalisedScore: normalisedScore) }

    /// Equal field by field, an unknown (NaN) q equal to an unknown one.
    public static func == (a: Self, b: Self) -> Bool {
        a.update == b.update && a.environmentSteps == b.environmentSteps && a.score == b.score
            && (a.normalisedScore == b.normalisedScore || (a.normalisedScore.isNaN && b.normalisedScore.isNaN))
    }
}
