import Datasets
import Statistics

/// The normalisation references of an online run (spec online-sable.md §3), each over 320 episodes:
/// R_final (the final parameters) and R_max (the best-by-evaluation parameters re-run, Mava's
/// absolute metric). R_ref = R_max [PROJECT CHOICE]; R_final is stored beside it.
public struct OnlineReferenceReturns: Sendable, Equatable {
    public var final: MeanWithError
    public var best: MeanWithError

    public init(final: MeanWithError, best: MeanWithError) {
        self.final = final
        self.best = best
    }
}
