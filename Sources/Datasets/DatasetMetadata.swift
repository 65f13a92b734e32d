/// What a dataset file's header says.
public struct DatasetMetadata: Sendable, Equatable {
    public var task: TaskDescription
    /// Episodes E.
    public var episodeCount: Int
    /// Steps S on the stored axis (all episodes back to back).
    public var stepCount: Int
    public var qualityStageCount: Int
    /// Mean return of the best quality stage (normalisation constant).
    public var referenceReturn: Double
    /// γ of the stored return-to-go range.
    public var discount: Double
    /// Smallest and largest discounted return-to-go over all steps (HL-Gauss support, spec §5).
    public var returnToGoMin: Double
    public var returnToGoMax: Double
    /// The behaviour that made the data and how the reference was measured.
    public var provenance: DatasetProvenance
}
