import Foundation
import Plots
import Training

/// The learning curve of an online run as an SVG line plot (issue #18's reported curves): the
/// periodic evaluations (`eval.csv`: mean return of the sampled policy, band ±1.96 standard
/// errors) and the mean return of the training episodes that ended in each update
/// (`metrics.csv`), against env steps; dashed lines at R_max (`final.json`, once written) and at
/// any `references` given (e.g. the heuristic behaviour's return).
public enum OnlineLearningCurve {
    /// - Throws: `RunDirectoryError.missingFile` when the run has no `eval.csv`; `MetricsTableError`
    ///   for a damaged file; `RunDirectoryError.unreadableReport` for a damaged final.json.
    public static func svg(run directory: String, references: [(label: String, value: Double)] = []) throws -> String {
        let run = RunDirectory(path: directory)
        let evalPath = "\(directory)/eval.csv"
        guard let evaluations = try MetricsTable.read(path: evalPath),
              let steps = evaluations.column("env_steps"), let mean = evaluations.column("mean_return"),
              let error = evaluations.column("standard_error")
        else { throw RunDirectoryError.missingFile(evalPath) }
        let evaluation = LineSeries(name: "evaluation (sampled policy; band ±1.96 s.e.)", x: steps, y: mean,
                                    lower: zip(mean, error).map { $0 - 1.96 * $1 }, upper: zip(mean, error).map { $0 + 1.96 * $1 })
        // The noisy per-update training returns go first, so the evaluations are drawn over them.
        var series: [LineSeries] = []
        if let training = try MetricsTable.read(path: "\(directory)/metrics.csv"),
           let x = training.column("env_steps"), let y = training.column("mean_return") {
            series.append(LineSeries(name: "training episodes ended in the update", x: x, y: y))
        }
        series.append(evaluation)
        var lines = references
        var title = "online Sable"
        var settings = OnlineRunSettings()
        if (try? settings.load(file: run.configFile)) != nil { title += " on \(settings.task)" }
        if FileManager.default.fileExists(atPath: run.finalReport) {
            let report = try OnlineFinalReport.read(path: run.finalReport)
            title += ", \(report.updates) updates"
            lines.insert((label: String(format: "R_max %.3f", report.maximumReturn.mean), value: report.maximumReturn.mean), at: 0)
        }
        return LinePlot(title: title, xLabel: "env steps (all ranks)", yLabel: "mean episode return", series: series,
                        referenceLines: lines).svg()
    }
}
