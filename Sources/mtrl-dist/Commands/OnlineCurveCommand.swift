import BinaryFormat
import Foundation
import Online
import OptionParsing
import Training

/// `mtrl-dist online-curve`: an online run's learning curve as an SVG file.
enum OnlineCurveCommand: Command {
    static let spec = CommandSpec(
        name: "online-curve", summary: "Plot an online run's learning curve (eval.csv, metrics.csv, final.json) as SVG.",
        options: [
            .value("run", "RUN_DIR", "The online run's directory.", required: true),
            .value("out", "FILE", "The SVG file to write (default RUN_DIR/learning-curve.svg)."),
            .value("reference", "LABEL=VALUE", "A dashed reference line, e.g. \"observed heuristic=10.92\"."),
        ],
        discussion: "Plots the periodic evaluations (mean return of the sampled policy, band ±1.96 standard errors) and the "
            + "training episodes' mean return per update against env steps, with R_max once the run has finished.")

    static func run(_ options: ParsedOptions) throws -> Int32 {
        let directory = try options.requiredString("run")
        var references: [(label: String, value: Double)] = []
        if let text = options.string("reference") {
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw OptionError.malformedValue(command: spec.name, option: "reference", value: text, expected: "LABEL=NUMBER")
            }
            references.append((label: "\(parts[0]) \(parts[1])", value: value))
        }
        let out = options.string("out") ?? "\(directory)/learning-curve.svg"
        try AtomicFile.write(Array(try OnlineLearningCurve.svg(run: directory, references: references).utf8), to: out)
        print("wrote \(out)")
        return 0
    }
}
