/// Which behaviour made a dataset and how its reference return was measured (format version 2;
/// version-1 files read as the oracle heuristic with the best stage's mean as the reference).
public struct DatasetProvenance: Sendable, Equatable {
    /// The behaviour that chose the recorded actions: "oracle" or "observed" (`BehaviourKind`).
    public var behaviour: String
    /// Episodes behind the reference return (0: the best quality stage's own episodes).
    public var referenceEpisodes: Int
    /// Standard error of the reference return (0 when not measured separately).
    public var referenceStandardError: Double

    public init(behaviour: String, referenceEpisodes: Int = 0, referenceStandardError: Double = 0) {
        self.behaviour = behaviour
        self.referenceEpisodes = referenceEpisodes
        self.referenceStandardError = referenceStandardError
    }

    /// The reference return's standard error where it was measured separately; NaN (unknown) where
    /// the reference is the best stage's own mean.
    public var knownReferenceStandardError: Double { referenceEpisodes > 0 ? referenceStandardError : .nan }

    /// What a version-1 file (written before behaviours were recorded) holds.
    public static let versionOne = DatasetProvenance(behaviour: "oracle")
}
