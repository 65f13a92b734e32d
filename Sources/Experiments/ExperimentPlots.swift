import Foundation
import Losses
import Plots

/// The SVG figures of an experiment's report: its summary chart (bars for table1, fig1 and fig6,
/// lines against task count, data or model size for fig4 and fig5) and learning curves per
/// environment.
enum ExperimentPlots {
    /// File name (under plots/) → SVG text.
    static func figures(_ analysis: ExperimentAnalysis) -> [(file: String, svg: String)] {
        var figures = [(file: "\(analysis.spec.name.rawValue).svg", svg: summary(analysis))]
        for environment in analysis.spec.environments {
            if let curves = learningCurves(analysis, environment: environment.rawValue) {
                figures.append((file: "curves-\(environment.rawValue).svg", svg: curves))
            }
        }
        return figures
    }

    static let yLabel = "normalised held-out return"

    static func label(_ s: GroupSummary) -> String {
        let algorithm = LossKind(rawValue: s.algorithm).map(SettingTitle.of) ?? s.algorithm
        return "\(s.environment) \(algorithm)"
    }

    static func summary(_ analysis: ExperimentAnalysis) -> String {
        let summaries = analysis.summaries
        let title = "\(analysis.spec.name.rawValue) (\(analysis.spec.scale.rawValue) scale): \(analysis.spec.name.summary)"
        func bars(categories: [String], series: [(String, (String) -> GroupSummary?)]) -> String {
            let bars = series.map { name, pick -> BarSeries in
                let groups = categories.map(pick)
                return BarSeries(name: name, values: groups.map { $0?.test.mean ?? .nan },
                                 lower: groups.map { g in g.map { $0.test.mean - $0.test.standardError } ?? .nan },
                                 upper: groups.map { g in g.map { $0.test.mean + $0.test.standardError } ?? .nan })
            }
            return BarChart(title: title, yLabel: yLabel + " (mean ± s.e. over seeds)", categories: categories, series: bars,
                            referenceLines: [("reference = 1", 1)]).svg()
        }
        switch analysis.spec.name {
        case .table1:
            let environments = analysis.spec.environments.map(\.rawValue) + (summaries.contains { $0.environment == "combined" } ? ["combined"] : [])
            var series: [(String, (String) -> GroupSummary?)] = analysis.spec.algorithms.map { algorithm in
                (algorithm.paperName, { env in summaries.first { $0.environment == env && $0.algorithm == algorithm.rawValue } })
            }
            series.append(("random policy", { env in
                summaries.first { $0.environment == env }.map { s in
                    var r = s
                    r.test = s.randomTest
                    return r
                }
            }))
            return bars(categories: environments, series: series)
        case .fig1, .fig6:
            let settings = analysis.spec.name == .fig1 ? ["ST", "MT"] : ["full", "mse", "no-masking", "single-task", "proportional"]
            let categories = orderedUnique(summaries.map(label))
            return bars(categories: categories, series: settings.map { setting in
                (SettingTitle.of(setting), { category in summaries.first { label($0) == category && $0.setting == setting } })
            })
        case .fig4, .fig5a, .fig5b:
            let xLabel = switch analysis.spec.name {
            case .fig4: "training tasks"
            case .fig5a: "episodes per training task"
            default: "embedding size"
            }
            var series: [LineSeries] = []
            for line in orderedUnique(summaries.map(label)) {
                let points = summaries.filter { label($0) == line }.sorted { ($0.x ?? 0) < ($1.x ?? 0) }
                let mean = points.map { $0.intervals["mean"] }
                series.append(LineSeries(name: "\(line) held-out", x: points.map { $0.x ?? .nan }, y: points.map(\.test.mean),
                                         lower: mean.map { $0?.lower ?? .nan }, upper: mean.map { $0?.upper ?? .nan }))
                series.append(LineSeries(name: "\(line) training", x: points.map { $0.x ?? .nan }, y: points.map(\.train.mean)))
            }
            return LinePlot(title: title, xLabel: xLabel, yLabel: "normalised return (mean, 95 % bootstrap CI)", series: series,
                            xScale: analysis.spec.name == .fig4 ? .linear : .log2, referenceLines: [("reference = 1", 1)]).svg()
        }
    }

    /// Mean held-out return at each periodic evaluation per group of `environment`, with the band
    /// between the lowest and highest seed.
    static func learningCurves(_ analysis: ExperimentAnalysis, environment: String) -> String? {
        var series: [LineSeries] = []
        for (key, runs) in analysis.results.groups where key.environment.rawValue == environment {
            guard let updates = runs.first?.curve.map(\.update), !updates.isEmpty else { continue }
            let bySeed = Dictionary(grouping: runs, by: { $0.cell.seed })
            var mean: [Double] = [], low: [Double] = [], high: [Double] = []
            for (index, _) in updates.enumerated() {
                let seedValues = bySeed.values.compactMap { seedRuns -> Double? in
                    let values = seedRuns.compactMap { run -> Double? in
                        guard index < run.curve.count else { return nil }
                        let held = run.report.scores.filter { !$0.trained }.compactMap { run.curve[index].normalised[$0.taskID] }
                            .filter(\.isFinite)
                        return held.isEmpty ? nil : held.reduce(0, +) / Double(held.count)
                    }
                    return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
                }
                mean.append(seedValues.isEmpty ? .nan : seedValues.reduce(0, +) / Double(seedValues.count))
                low.append(seedValues.min() ?? .nan)
                high.append(seedValues.max() ?? .nan)
            }
            var name = "\(SettingTitle.of(key.algorithm)) \(SettingTitle.of(key.setting))"
            if let x = key.x { name += String(format: " %g", x) }
            series.append(LineSeries(name: name, x: updates.map(Double.init), y: mean, lower: low, upper: high))
        }
        guard !series.isEmpty else { return nil }
        return LinePlot(title: "\(analysis.spec.name.rawValue), \(environment): held-out return during training (band: seeds' range)",
                        xLabel: "update", yLabel: yLabel, series: series).svg()
    }

    static func orderedUnique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
