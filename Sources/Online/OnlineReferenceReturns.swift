import Datasets

/// The normalisation references of an online run (spec online-sable.md §3), each over 320 episodes:
/// R_final (the final parameters) and R_max (the best-by-evaluation parameters re-run, Mava's
/// absolute metric). R_ref = R_max [PROJECT CHOICE]; R_final is stored beside it.
public struct OnlineReferenceReturns: Sendable, Equatable {
    public var final: MeasuredReturn
    public var best: MeasuredReturn

    public init(final: MeasuredReturn, best: MeasuredReturn) {
        self.final = final
        self.best = best
    }
}
