import Foundation
import Losses
import Statistics

/// `mtrl-dist experiment report NAME`: reads the finished runs and writes EXP_DIR/results.json
/// (every number), marl-eval.json, plots/*.svg and report.md (tables with intervals, plots, the
/// settings, the paper's claims with a verdict each).
public enum ExperimentReport {
    /// Writes every output. - Returns: the paths written.
    /// - Throws: `ExperimentError.invalid` when no run has finished yet; file errors.
    @discardableResult
    public static func write(spec: ExperimentSpec, directory: ExperimentDirectory) throws -> [String] {
        let cells = try ExperimentPlan.cells(for: spec, directory: directory)
        let results = try ExperimentResults(cells: cells)
        guard !results.runs.isEmpty else {
            throw ExperimentError.invalid("no run of \(directory.path) has finished; `mtrl-dist experiment run \(spec.name.rawValue)` first")
        }
        let analysis = ExperimentAnalysis(spec: spec, results: results)
        var written: [String] = []
        try directory.write(resultsJSON(analysis, directory: directory), to: directory.resultsFile)
        try directory.write(MarlEvalExport.json(results), to: directory.marlEvalFile)
        written += [directory.resultsFile, directory.marlEvalFile]
        let figures = ExperimentPlots.figures(analysis)
        for figure in figures {
            let path = "\(directory.plotsDirectory)/\(figure.file)"
            try directory.write(figure.svg, to: path)
            written.append(path)
        }
        try directory.write(markdown(analysis, figures: figures.map(\.file), directory: directory), to: directory.reportFile)
        written.append(directory.reportFile)
        return written
    }

    /// What results.json holds.
    struct ResultsFile: Encodable {
        var experiment: ExperimentSpec
        var runsFinished: Int
        var runsUnfinished: [String]
        var normalisation: [String]
        var groups: [GroupSummary]
        var claims: [ClaimVerdict]
        var bootstrap: String

        enum CodingKeys: String, CodingKey {
            case experiment, runsFinished = "runs_finished", runsUnfinished = "runs_unfinished", normalisation, groups, claims, bootstrap
        }
    }

    /// The experiment's grid with its data directory relative to EXP_DIR.
    static func portable(_ spec: ExperimentSpec, directory: ExperimentDirectory) -> ExperimentSpec {
        var spec = spec
        spec.data = directory.relative(spec.data)
        return spec
    }

    static func resultsJSON(_ analysis: ExperimentAnalysis, directory: ExperimentDirectory) throws -> String {
        let file = ResultsFile(
            experiment: portable(analysis.spec, directory: directory), runsFinished: analysis.results.runs.count, runsUnfinished: analysis.results.unfinished.map(\.id),
            normalisation: normalisations(analysis), groups: analysis.summaries, claims: analysis.claims,
            bootstrap: "stratified over tasks, \(ExperimentAnalysis.repetitions) repetitions, percentile 95 % intervals, seed 0")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(file), as: UTF8.self) + "\n"
    }

    /// How the runs' scores were normalised ("<environment>: <method>"), from their final reports.
    static func normalisations(_ analysis: ExperimentAnalysis) -> [String] {
        var seen: [String] = []
        for run in analysis.results.runs {
            var line = "\(run.cell.environment.rawValue): \(run.report.normalisation.explanation(behaviour: run.report.behaviour))"
            if !run.report.flaggedTasks.isEmpty {
                line += "; flagged (scored NaN, left out): " + run.report.flaggedTasks.keys.sorted().joined(separator: ", ")
            }
            if !seen.contains(line) { seen.append(line) }
        }
        return seen
    }

    /// Which behaviours made each environment's datasets, from the runs' final reports
    /// ("lbf: online-sable"); the environments' default behaviours when no run has finished.
    static func dataSources(_ analysis: ExperimentAnalysis) -> String {
        let byEnvironment = Dictionary(grouping: analysis.results.runs, by: { $0.cell.environment.rawValue })
        guard !byEnvironment.isEmpty else { return "made by the environments' default behaviours" }
        return "made by " + byEnvironment.keys.sorted().map { environment in
            "\(environment): " + Set(byEnvironment[environment]!.map(\.report.behaviour)).sorted().joined(separator: ", ")
        }.joined(separator: "; ")
    }

    /// The held-out means acting greedily beside the algorithm's own acting, for the groups whose
    /// every run has them (`experiment evaluate`); nothing when none has.
    static func greedySection(_ analysis: ExperimentAnalysis) -> [String] {
        let measured = analysis.summaries.filter { $0.greedyTest != nil && $0.environment != "combined" }
        guard measured.contains(where: { LossKind(rawValue: $0.algorithm)?.actionSelection == .sample }) else { return [] }
        var lines = ["", "## Diagnostic: acting greedily", "",
                     "The algorithms' own acting samples π (Oryx, BC-Sable; the paper's protocol) or takes the greedy action of "
                         + "Q (CQL-Sable). `mtrl-dist experiment evaluate` re-scores the same selected parameters on the held-out tasks "
                         + "taking π's most likely action instead (`\(ExperimentResults.greedyFile)` in each run). A large "
                         + "gap means π carries the behaviour's noise, which sampling plays back. Not the paper's protocol: the verdicts "
                         + "above use the algorithms' own acting.", "",
                     "| environment | algorithm | setting | runs | own acting | held-out mean ± s.e. | greedy held-out mean ± s.e. |",
                     "|---|---|---|---|---|---|---|"]
        for s in measured {
            let (algorithm, setting) = titles(s)
            let own = LossKind(rawValue: s.algorithm)?.actionSelection == .sample ? "sample π" : "greedy Q"
            lines.append("| \(s.environment) | \(algorithm) | \(setting) | \(s.runs) | \(own) | \(cell(s.test)) | \(cell(s.greedyTest!)) |")
        }
        let missing = analysis.summaries.filter { $0.greedyTest == nil && $0.environment != "combined" }.count
        if missing > 0 {
            lines += ["", "\(missing) setting(s) without greedy scores for every run (run `experiment evaluate` again after the grid finishes)."]
        }
        return lines
    }

    /// Each held-out task's mean over seeds, a row per setting and a table per environment: which
    /// tasks move an aggregate (e.g. the two tasks on the training tasks' map size among eight).
    static func perTaskSection(_ analysis: ExperimentAnalysis) -> [String] {
        var lines = ["", "## Held-out tasks one by one", "",
                     "Each held-out task's normalised return, mean over the setting's seeds: the seeds × tasks scores behind the "
                         + "aggregates above."]
        for environment in analysis.spec.environments.map(\.rawValue) {
            let groups = analysis.summaries.filter { $0.environment == environment && !$0.scores.isEmpty }
            var tasks: [String] = []
            for task in groups.flatMap(\.tasks) where !tasks.contains(task) { tasks.append(task) }
            guard !tasks.isEmpty else { continue }
            if analysis.spec.environments.count > 1 { lines += ["", "### \(environment)"] }
            lines += ["", "| algorithm | setting | " + tasks.joined(separator: " | ") + " |",
                      "|---|---|" + String(repeating: "---|", count: tasks.count)]
            for s in groups {
                let (algorithm, setting) = titles(s)
                let means = tasks.map { task -> String in
                    guard let j = s.tasks.firstIndex(of: task) else { return "–" }
                    return String(format: "%.3f", s.scores.map { $0[j] }.reduce(0, +) / Double(s.scores.count))
                }
                lines.append("| \(algorithm) | \(setting) | " + means.joined(separator: " | ") + " |")
            }
        }
        return lines
    }

    /// A group's algorithm and setting as the tables name them ("Oryx", "training tasks 4").
    static func titles(_ s: GroupSummary) -> (algorithm: String, setting: String) {
        var setting = SettingTitle.of(s.setting)
        if let x = s.x { setting += String(format: " %g", x) }
        return (LossKind(rawValue: s.algorithm).map(SettingTitle.of) ?? s.algorithm, setting)
    }

    static func cell(_ m: MeanWithError) -> String {
        m.mean.isFinite ? String(format: "%.3f ± %.3f", m.mean, m.standardError.isFinite ? m.standardError : 0) : "–"
    }

    static func cell(_ i: ConfidenceInterval?) -> String {
        guard let i else { return "–" }
        return String(format: "%.3f [%.3f, %.3f]", i.point, i.lower, i.upper)
    }

    static func markdown(_ analysis: ExperimentAnalysis, figures: [String], directory: ExperimentDirectory) -> String {
        let spec = analysis.spec
        var lines = ["# \(spec.name.rawValue): \(spec.name.summary)", ""]
        lines.append("Scale `\(spec.scale.rawValue)`, environments \(spec.environments.map(\.rawValue).joined(separator: ", ")), "
            + "\(spec.seeds) seed(s), algorithms \(spec.algorithms.map(\.paperName).joined(separator: ", ")); "
            + "\(analysis.results.runs.count) of \(analysis.results.runs.count + analysis.results.unfinished.count) runs finished.")
        let reused = analysis.results.runs.filter { FileManager.default.fileExists(atPath: directory.reuseFile($0.cell.id)) }.count
        if reused > 0 {
            lines.append("")
            lines.append("\(reused) of the finished runs are copies of other experiments' runs with the same settings "
                + "(`experiment run --reuse`; `claims/<run>/reused-from.txt` names each source).")
        }
        let machines = Dictionary(grouping: analysis.results.runs, by: { $0.report.machine ?? "not recorded (an older final.json)" })
        if !machines.isEmpty {
            lines.append("")
            lines.append("Finished on (rank 0's CPU and OpenBLAS kernel, from each run's final.json): "
                + machines.keys.sorted().map { "\($0): \(machines[$0]!.count) run(s)" }.joined(separator: "; ") + ".")
        }
        if let k = spec.trainingTasks {
            lines.append("")
            lines.append("Training tasks: only the first \(k) of each environment's (registry order; `--training-tasks \(k)`): "
                + spec.environments.map { "\($0.rawValue): " + spec.trainingTaskIDs($0).joined(separator: ", ") }.joined(separator: "; ")
                + ". Held-out tasks: the whole test split.")
        }
        if !analysis.results.unfinished.isEmpty {
            lines.append("")
            lines.append("**Partial report**: \(analysis.results.unfinished.count) run(s) have not finished; every number below uses only the finished ones.")
        }
        lines += ["", "Normalised return per task: " + normalisations(analysis).joined(separator: "; ") + ".", ""]
        lines += ["## Settings", "", "| environment | episodes/task | updates | batch | window | embedding | evaluation |",
                  "|---|---|---|---|---|---|---|"]
        for environment in spec.environments {
            let s = spec.scale.settings(for: environment)
            lines.append("| \(environment.rawValue) | \(s.episodesPerTask) in \(s.stages) stages | \(s.steps) | \(s.batch) | \(s.chunk) | "
                + "\(s.embed) (\(s.heads) heads) | every \(s.evalEvery) updates × \(s.evalEpisodes) episodes; final \(s.finalEvalEpisodes) episodes per task |")
        }
        if !spec.overrides.isEmpty { lines += ["", "Overrides for every run: `\(ExperimentSpec.text(spec.overrides))`."] }
        lines += ["", "Datasets: `\(directory.relative(spec.data))` (relative to the experiment directory; " + dataSources(analysis)
            + "; collected once by `experiment run` where `<env>/collection.json` exists, else used as found (e.g. recorded by "
            + "`mtrl-dist online --record`); references and random returns per task)."]

        lines += ["", "## Results on held-out tasks", "",
                  "Mean ± s.e.: each seed's mean over the held-out tasks, then mean and standard error over seeds (the paper's Table 1). "
                      + "IQM, median, mean and optimality gap (threshold 1) pool all seeds × tasks, with 95 % stratified bootstrap "
                      + "intervals (\(ExperimentAnalysis.repetitions) resamples; Agarwal et al. 2021).", "",
                  "| environment | algorithm | setting | runs | held-out mean ± s.e. | IQM | median | mean | optimality gap | training mean ± s.e. | random held-out |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for s in analysis.summaries {
            let (algorithm, setting) = titles(s)
            lines.append("| \(s.environment) | \(algorithm) | \(setting) | \(s.runs) | \(cell(s.test)) | \(cell(s.intervals["iqm"])) | "
                + "\(cell(s.intervals["median"])) | \(cell(s.intervals["mean"])) | \(cell(s.intervals["optimality_gap"])) | "
                + "\(cell(s.train)) | \(cell(s.randomTest)) |")
        }
        let leftOut = Set(analysis.summaries.flatMap(\.leftOutTasks)).sorted()
        if !leftOut.isEmpty {
            lines += ["", "Left out of the held-out scores (no finite normalised return, e.g. a reference that does not beat random): "
                + leftOut.joined(separator: ", ") + "."]
        }

        lines += perTaskSection(analysis)

        lines += ["", "## The paper's claims", "", "| claim | ours | evidence | paper |", "|---|---|---|---|"]
        for claim in analysis.claims {
            lines.append("| \(claim.claim) | **\(claim.verdict.rawValue)** | \(claim.evidence) | \(claim.paper) |")
        }
        lines += ["", "A claim \"A beats B\" holds when the 95 % interval of P(A > B) (probability of improvement, Agarwal et al. 2021) "
            + "lies above 0.5, does not hold when it lies below, and is inconclusive otherwise. The paper's full tables are not "
            + "available to this project; the paper column gives its stated direction and the numbers its text gives."]

        lines += greedySection(analysis)

        lines += ["", "## Plots", ""]
        for figure in figures { lines.append("![\(figure)](plots/\(figure))") }
        lines += ["", "Machine-readable: `results.json` (every number above), `marl-eval.json` (marl-eval's layout), and each run's "
            + "directory under `runs/`."]
        return lines.joined(separator: "\n") + "\n"
    }
}
