/// What a dataset file's header says.
public struct DatasetMetadata: Sendable, Equatable {
    public var task: TaskDescription
    /// Episodes E.
    public var episodeCount: Int
    /// Steps S on the stored axis (all episodes back to back).
    public var stepCount: Int
    public var qualityStageCount: Int
    /// The normalisation constant R_ref (heuristic reference or best stage's mean; online: R_max).
    public var referenceReturn: Double
    /// γ of the stored return-to-go range.
    public var discount: Double
    /// Smallest and largest discounted return-to-go over all steps (HL-Gauss support, spec §5).
    public var returnToGoMin: Double
    public var returnToGoMax: Double
    /// The behaviour that made the data and how the reference was measured.
    public var provenance: DatasetProvenance
}
