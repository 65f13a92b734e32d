import Environments
import Foundation
import Losses
import Statistics

/// The numbers of an experiment's report: a `GroupSummary` per setting (and, for table1, per
/// algorithm over all environments), and a verdict on each of the paper's claims it tests.
public struct ExperimentAnalysis {
    public let spec: ExperimentSpec
    public let results: ExperimentResults
    public let summaries: [GroupSummary]
    public let claims: [ClaimVerdict]
    let bootstrap: StratifiedBootstrap

    /// Bootstrap repetitions of every interval (rliable's default is 2,000 for aggregates).
    public static let repetitions = 2_000

    public init(spec: ExperimentSpec, results: ExperimentResults, seed: UInt64 = 0) {
        self.spec = spec
        self.results = results
        let bootstrap = StratifiedBootstrap(repetitions: Self.repetitions, confidence: 0.95, seed: seed)
        self.bootstrap = bootstrap
        var summaries = results.groups.map { key, runs in
            GroupSummary(environment: key.environment.rawValue, algorithm: key.algorithm.rawValue, setting: key.setting, x: key.x,
                         runs: runs.count, test: ExperimentResults.scores(of: runs, trained: false),
                         trainRows: ExperimentResults.scores(of: runs, trained: true).rows,
                         randomRows: ExperimentResults.scores(of: runs, trained: false, random: true).rows,
                         greedyRows: runs.allSatisfy { $0.greedyScores != nil }
                             ? ExperimentResults.scores(of: runs, trained: false, greedy: true).rows : nil,
                         bootstrap: bootstrap)
        }
        if spec.name == .table1 && spec.environments.count > 1 {
            summaries += Self.combined(summaries, environments: spec.environments, bootstrap: bootstrap)
        }
        self.summaries = summaries
        claims = ClaimVerdict.verdicts(for: spec.name, summaries: summaries, bootstrap: bootstrap)
    }

    /// Per algorithm, every environment's held-out tasks side by side (seeds present in all).
    static func combined(_ summaries: [GroupSummary], environments: [EnvironmentKind], bootstrap: StratifiedBootstrap) -> [GroupSummary] {
        var out: [GroupSummary] = []
        for algorithm in Set(summaries.map(\.algorithm)).sorted() {
            let parts = environments.compactMap { env in summaries.first { $0.environment == env.rawValue && $0.algorithm == algorithm } }
            guard parts.count == environments.count else { continue }
            let seeds = parts.dropFirst().reduce(Set(parts[0].seeds)) { $0.intersection($1.seeds) }.sorted()
            let test = seeds.map { seed in
                parts.flatMap { part in part.seeds.firstIndex(of: seed).map { part.scores[$0] } ?? [] }
            }
            // Seed means of train and random: combine the environments' seed means equally.
            var summary = GroupSummary(
                environment: "combined", algorithm: algorithm, setting: parts[0].setting, x: nil, runs: parts.map(\.runs).reduce(0, +),
                test: (parts.flatMap { p in p.tasks.map { "\(p.environment)/\($0)" } }, test, seeds, parts.flatMap(\.leftOutTasks)),
                trainRows: [], randomRows: [], bootstrap: bootstrap)
            summary.train = MeanWithError(parts.map(\.train.mean).filter(\.isFinite))
            summary.randomTest = MeanWithError(parts.map(\.randomTest.mean).filter(\.isFinite))
            out.append(summary)
        }
        return out
    }
}
