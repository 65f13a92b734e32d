import Statistics

/// Which behaviour made a dataset and how its reference return was measured (format version 2;
/// version-1 files read as the oracle heuristic with the best stage's mean as the reference), and
/// for data recorded from an online run (format version 3) the final policy's return and the
/// snapshot behind every quality stage.
public struct DatasetProvenance: Sendable, Equatable {
    /// The behaviour (source) that chose the recorded actions: "oracle" or "observed"
    /// (`BehaviourKind`), or `onlineSable`.
    public var behaviour: String
    /// Episodes behind the reference return (0: the best quality stage's own episodes).
    public var referenceEpisodes: Int
    /// Standard error of the reference return (0 when not measured separately).
    public var referenceStandardError: Double
    /// R_final of an online run (its final parameters' mean return); nil for heuristic data.
    public var finalReturn: MeanWithError?
    /// Per quality stage, the online snapshot it holds; empty for heuristic data (stages by ε).
    public var stages: [SnapshotStage]

    public init(behaviour: String, referenceEpisodes: Int = 0, referenceStandardError: Double = 0,
                finalReturn: MeanWithError? = nil, stages: [SnapshotStage] = []) {
        self.behaviour = behaviour
        self.referenceEpisodes = referenceEpisodes
        self.referenceStandardError = referenceStandardError
        self.finalReturn = finalReturn
        self.stages = stages
    }

    /// The behaviour of data recorded from online Sable runs (spec online-sable.md §2.2).
    public static let onlineSable = "online-sable"

    /// The reference return's standard error where it was measured separately; NaN (unknown) where
    /// the reference is the best stage's own mean.
    public var knownReferenceStandardError: Double { referenceEpisodes > 0 ? referenceStandardError : .nan }

    /// What a version-1 file (written before behaviours were recorded) holds.
    public static let versionOne = DatasetProvenance(behaviour: "oracle")
}
