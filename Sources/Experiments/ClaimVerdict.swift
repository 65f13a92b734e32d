import Foundation
import Losses
import Statistics

/// One of the paper's claims checked on our runs: holds, does not hold, or inconclusive, with the
/// evidence (probabilities of improvement with 95 % stratified bootstrap intervals).
///
/// "A beats B" holds when the interval of P(A > B) lies above 1/2, does not hold when it lies
/// below, and is inconclusive otherwise. "Does not help" (fig5a) holds unless P(larger > smaller)
/// lies above 1/2.
public struct ClaimVerdict: Codable, Sendable {
    public enum Verdict: String, Codable, Sendable {
        case holds, doesNotHold = "does not hold", inconclusive, notRun = "not run"
    }

    public var claim: String
    public var verdict: Verdict
    public var evidence: String
    /// What the paper reports for this claim, where its text gives a number.
    public var paper: String

    /// The claims `name` tests, judged on `summaries`.
    static func verdicts(for name: ExperimentName, summaries: [GroupSummary], bootstrap: StratifiedBootstrap) -> [ClaimVerdict] {
        let judge = Judge(summaries: summaries, bootstrap: bootstrap)
        switch name {
        case .table1: return judge.table1()
        case .fig1: return judge.fig1()
        case .fig4: return judge.trend(setting: "tasks", claim: "held-out return rises with the number of training tasks",
                                       paper: "rises with task count (Fig. 4)", improves: true)
        case .fig5a: return judge.trend(setting: "episodes", claim: "more data per task alone does not raise held-out return",
                                        paper: "task diversity matters more than dataset size (Fig. 5a)", improves: false)
        case .fig5b: return judge.trend(setting: "embed", claim: "a larger model raises held-out return",
                                        paper: "larger models generalise better (Fig. 5b)", improves: true)
        case .fig6: return judge.fig6()
        }
    }
}

/// The comparisons behind the verdicts.
struct Judge {
    let summaries: [GroupSummary]
    let bootstrap: StratifiedBootstrap

    func group(_ environment: String, _ algorithm: String, _ setting: String, x: Double? = nil) -> GroupSummary? {
        summaries.first { $0.environment == environment && $0.algorithm == algorithm && $0.setting == setting && (x == nil || $0.x == x) }
    }

    /// P(a > b) on the held-out tasks both have, with its interval; nil when either has no scores
    /// or they share no seeds' worth of tasks.
    func improvement(_ a: GroupSummary, over b: GroupSummary) -> ConfidenceInterval? {
        let common = a.tasks.filter { b.tasks.contains($0) }
        guard !common.isEmpty else { return nil }
        func columns(_ g: GroupSummary) -> ScoreMatrix? {
            let index = common.map { g.tasks.firstIndex(of: $0)! }
            return try? ScoreMatrix(g.scores.map { row in index.map { row[$0] } })
        }
        guard let x = columns(a), let y = columns(b) else { return nil }
        return try? bootstrap.probabilityOfImprovement(x, over: y)
    }

    func verdict(_ interval: ConfidenceInterval?) -> ClaimVerdict.Verdict {
        guard let interval else { return .notRun }
        if interval.lower > 0.5 { return .holds }
        if interval.upper < 0.5 { return .doesNotHold }
        return .inconclusive
    }

    static func text(_ interval: ConfidenceInterval?) -> String {
        guard let i = interval else { return "no scores" }
        return String(format: "P(improvement) %.2f [%.2f, %.2f]", i.point, i.lower, i.upper)
    }

    func beats(_ a: GroupSummary?, _ b: GroupSummary?, claim: String, paper: String) -> ClaimVerdict {
        guard let a, let b else { return ClaimVerdict(claim: claim, verdict: .notRun, evidence: "a setting has no finished run", paper: paper) }
        let interval = improvement(a, over: b)
        let evidence = Self.text(interval) + String(format: "; held-out mean %.3f ± %.3f vs %.3f ± %.3f", a.test.mean,
                                                    a.test.standardError, b.test.mean, b.test.standardError)
        return ClaimVerdict(claim: claim, verdict: verdict(interval), evidence: evidence, paper: paper)
    }

    func table1() -> [ClaimVerdict] {
        let pool = summaries.contains { $0.environment == "combined" } ? "combined" : summaries.first?.environment ?? ""
        return [
            beats(group(pool, "oryx", "MT"), group(pool, "bc", "MT"), claim: "MT Oryx beats MT BC-Sable (\(pool))",
                  paper: "Oryx ≥ BC (Table 1)"),
            beats(group(pool, "bc", "MT"), group(pool, "cql", "MT"), claim: "MT BC-Sable beats MT CQL-Sable (\(pool))",
                  paper: "BC > CQL (Table 1)"),
            beats(group(pool, "oryx", "MT"), group(pool, "cql", "MT"), claim: "MT Oryx beats MT CQL-Sable (\(pool))",
                  paper: "Oryx > CQL (Table 1)"),
        ]
    }

    func fig1() -> [ClaimVerdict] {
        var out: [ClaimVerdict] = []
        let pairs = ExperimentPlots.orderedUnique(summaries.map { "\($0.environment)|\($0.algorithm)" })
        for pair in pairs {
            let parts = pair.split(separator: "|").map(String.init)
            let mt = group(parts[0], parts[1], "MT"), st = group(parts[0], parts[1], "ST")
            var verdict = beats(mt, st, claim: "MT beats ST on held-out tasks (\(parts[0]), \(LossKind(rawValue: parts[1]).map(SettingTitle.of) ?? parts[1]))",
                                paper: "MT > ST in every environment; mean improvement +219 % on held-out tasks (abstract)")
            if let mt, let st, st.test.mean != 0 {
                verdict.evidence += String(format: "; improvement %+.0f %%", 100 * (mt.test.mean / st.test.mean - 1))
            }
            out.append(verdict)
        }
        return out
    }

    /// Largest x against smallest x of a line experiment, per environment and algorithm.
    func trend(setting: String, claim: String, paper: String, improves: Bool) -> [ClaimVerdict] {
        var out: [ClaimVerdict] = []
        let lines = ExperimentPlots.orderedUnique(summaries.filter { $0.setting == setting }.map { "\($0.environment)|\($0.algorithm)" })
        for line in lines {
            let parts = line.split(separator: "|").map(String.init)
            let points = summaries.filter { $0.environment == parts[0] && $0.algorithm == parts[1] && $0.setting == setting }
                .sorted { ($0.x ?? 0) < ($1.x ?? 0) }
            let name = "\(claim) (\(parts[0]))"
            guard points.count >= 2, let first = points.first, let last = points.last else {
                out.append(ClaimVerdict(claim: name, verdict: .notRun, evidence: "fewer than two finished settings", paper: paper))
                continue
            }
            var result = beats(last, first, claim: name, paper: paper)
            result.evidence = String(format: "x = %g vs %g: ", last.x ?? 0, first.x ?? 0) + result.evidence
            if !improves {
                // "Does not help": holds unless the larger setting is reliably better.
                result.verdict = result.verdict == .holds ? .doesNotHold : result.verdict == .notRun ? .notRun : .holds
            }
            out.append(result)
        }
        return out
    }

    func fig6() -> [ClaimVerdict] {
        var out: [ClaimVerdict] = []
        let ablations = ["single-task", "no-masking", "mse"]
        for environment in Set(summaries.map(\.environment)).sorted() {
            let present = Set(summaries.filter { $0.environment == environment }.map(\.algorithm))
            for algorithm in LossKind.allCases.map(\.rawValue) where present.contains(algorithm) {
                let full = group(environment, algorithm, "full")
                for ablation in ablations + ["proportional"] {
                    out.append(beats(full, group(environment, algorithm, ablation),
                                     claim: "\(SettingTitle.of(ablation)) hurts (\(environment), \(algorithm))",
                                     paper: ablation == "proportional" ? "not in the paper (a milder alternative)"
                                         : "each design choice matters (Fig. 6)"))
                }
                // The order of the drops (task balancing, then masking + shuffling, then HL-Gauss) holds
                // when the point estimates are in that order and every drop is significant, does not
                // hold when they are in another order and some drop is significant, else inconclusive.
                let drops = ablations.map { a -> Double in
                    guard let f = full, let g = group(environment, algorithm, a) else { return .nan }
                    return f.test.mean - g.test.mean
                }
                let claim = "removing task balancing hurts most, then masking + shuffling, then HL-Gauss (\(environment), \(algorithm))"
                let evidence = zip(ablations, drops).map { String(format: "%@ %+.3f", SettingTitle.of($0), -$1) }.joined(separator: ", ")
                let verdict: ClaimVerdict.Verdict
                if drops.contains(where: \.isNaN) {
                    verdict = .notRun
                } else if drops[0] > drops[1] && drops[1] > drops[2] {
                    verdict = out.suffix(4).prefix(3).allSatisfy { $0.verdict == .holds } ? .holds : .inconclusive
                } else {
                    verdict = out.suffix(4).prefix(3).contains { $0.verdict == .holds } ? .doesNotHold : .inconclusive
                }
                out.append(ClaimVerdict(claim: claim, verdict: verdict, evidence: "change of the held-out mean: " + evidence,
                                        paper: "task balancing > masking > HL-Gauss (Fig. 6)"))
            }
        }
        return out
    }
}
