/// The on-disk layout of a dataset file, format version 3 (all integers little-endian); version 1
/// (no provenance fields) and version 2 (no online fields) are still read.
///
/// ```
/// offset 0   magic "MTRLDSET" (8 bytes)
///        8   version UInt32 (= 3)
///       12   header byte count H UInt32
///       16   header CRC32C UInt32 (over the H header bytes)
///       20   header: task id, environment, split, parameters (UInt32 length + UTF-8 each);
///            agent count n, observation size F, action count A (UInt32);
///            episode count E, step count S (UInt64); quality-stage count (UInt32);
///            reference return, discount γ, return-to-go min, max (Float64);
///            (version 2) behaviour (UInt32 length + UTF-8), reference episodes (UInt32),
///            reference standard error (Float64);
///            (version 3) R_final: mean, standard error (Float64), episodes (UInt32; 0 = none, the
///            numbers then NaN); stage-table rows (UInt32: 0, or one per quality stage), each
///            {update UInt64, env steps UInt64, score mean Float64, score standard error Float64,
///            score episodes UInt32, normalised score q Float64 (NaN = unknown), label UInt8
///            (0 none, 1 Poor, 2 Medium, 3 Good; must match q)};
///            section count (UInt32), then per section: kind, offset, byte count, CRC32C
///            (UInt32, UInt64, UInt64, UInt32)
/// then the sections, each starting at a multiple of 64 bytes, in `Section` order.
/// ```
/// Sections: observations Float32 (S, n, F); actions UInt8 (S, n); legal UInt8 (S, n, A);
/// rewards Float32 (S); flags UInt8 (S); episodes (E) × {start UInt64, length UInt32,
/// quality stage UInt32, return Float64}.
enum DatasetLayout {
    static let magic: [UInt8] = Array("MTRLDSET".utf8)
    static let version: UInt32 = 3
    /// Versions this build reads.
    static let readableVersions: ClosedRange<UInt32> = 1...3
    static let prefixBytes = 20
    static let sectionAlignment = 64
    static let episodeRecordBytes = 24
    /// Bounds that keep a damaged header from asking for absurd sizes.
    static let maxAgents = 64
    static let maxObservationSize = 1 << 20
    static let maxActions = 255
    static let maxStages = 1 << 16

    /// The sections, in file order; the raw value is the stored kind.
    enum Section: UInt32, CaseIterable {
        case observations = 1, actions, legal, rewards, flags, episodes

        var name: String {
            switch self {
            case .observations: "observations"
            case .actions: "actions"
            case .legal: "legal masks"
            case .rewards: "rewards"
            case .flags: "terminal/truncated flags"
            case .episodes: "episode index"
            }
        }

        /// Expected byte count for the given sizes, nil on overflow.
        func byteCount(steps: Int, episodes: Int, agents: Int, observationSize: Int, actions: Int) -> Int? {
            switch self {
            case .observations: product([steps, agents, observationSize, 4])
            case .actions: product([steps, agents])
            case .legal: product([steps, agents, actions])
            case .rewards: product([steps, 4])
            case .flags: steps
            case .episodes: product([episodes, DatasetLayout.episodeRecordBytes])
            }
        }
    }

    /// One entry of the section table.
    struct SectionEntry: Equatable {
        var section: Section
        var offset: Int
        var byteCount: Int
        var checksum: UInt32
    }

    static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for f in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: f)
            if overflow || f < 0 { return nil }
            result = value
        }
        return result
    }

    static func aligned(_ offset: Int) -> Int { (offset + sectionAlignment - 1) / sectionAlignment * sectionAlignment }
}

#if _endian(big)
    #error("Dataset sections are stored and mapped as little-endian arrays; big-endian hosts are unsupported.")
#endif
