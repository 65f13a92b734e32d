/// How an online run records its dataset (spec online-sable.md §2.2, P19): S snapshots, M_rec
/// stored episodes per snapshot, and the episodes its label score is measured on (the stored
/// episodes are the first M_rec of them).
public struct OnlineRecordingSettings: Sendable, Equatable {
    /// S: snapshots at updates ⌊j·U/(S−1)⌋, j = 0…S−1 (S = 1: the final policy only).
    public var snapshots = 20
    /// M_rec: episodes stored per snapshot (the same for every task).
    public var episodesPerSnapshot = 100
    /// Episodes behind each snapshot's label score (≥ M_rec).
    public var labelEpisodes = 320

    public init() {}

    public init(snapshots: Int, episodesPerSnapshot: Int, labelEpisodes: Int) {
        self.snapshots = snapshots
        self.episodesPerSnapshot = episodesPerSnapshot
        self.labelEpisodes = labelEpisodes
    }
}
