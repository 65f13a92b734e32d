import Environments
import Foundation
import Statistics

/// Library side of `mtrl-dist dataset inspect | verify | subsample`: reports as text, typed errors.
public enum DatasetInspector {
    /// The dataset files at `path`: the file itself, or every `*.mtds` below a directory, sorted.
    /// - Throws: `DatasetError.notFound` when nothing is there.
    public static func datasetPaths(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError.notFound(path: path)
        }
        guard isDirectory.boolValue else { return [path] }
        let found = (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".mtds") }.sorted().map { path + "/" + $0 }
        guard !found.isEmpty else { throw DatasetError.notFound(path: path + "/**/*.mtds") }
        return found
    }

    /// The registered task a file should hold: the one its name gives (`<id>.mtds`), else the one its
    /// header names; nil for files of unregistered tasks.
    static func registeredTask(named file: String, header id: String) -> TaskSpec? {
        let name = String((file.split(separator: "/").last ?? "").dropLast(".mtds".count))
        return (try? TaskRegistry.task(id: name)) ?? (try? TaskRegistry.task(id: id))
    }

    /// Text for `dataset inspect PATH`: per task its sizes, source, reference return, return-to-go
    /// range and the return distribution per quality stage (for online data with each stage's
    /// snapshot, label score, q and label, then the episodes per label); then totals.
    /// - Throws: the first file's `DatasetError` (files are opened with checksum verification).
    public static func inspect(path: String) throws -> String {
        var lines: [String] = []
        var episodes = 0
        var transitions = 0
        var bytes = 0
        let paths = try datasetPaths(at: path)
        for file in paths {
            let dataset = try DatasetFile(path: file)
            let m = dataset.metadata
            episodes += m.episodeCount
            transitions += m.stepCount
            bytes += dataset.byteCount
            lines.append("\(file)")
            lines.append(
                "  task \(m.task.id) (\(m.task.environment), \(m.task.split)): \(m.task.agentCount) agents, \(m.task.observationSize) features, \(m.task.actionCount) actions"
            )
            lines.append("  parameters: \(m.task.parameters)")
            let p = m.provenance
            let stats = CollectionSummary(
                contents: DatasetContents(
                    task: m.task, qualityStageCount: m.qualityStageCount, referenceReturn: m.referenceReturn,
                    observations: [], actions: [], legal: [], rewards: [], flags: [], episodes: dataset.episodes)
            ).stageReturns
            if p.stages.isEmpty {
                lines.append("  behaviour: \(p.behaviour); reference "
                    + (p.referenceEpisodes > 0 ? "measured on \(p.referenceEpisodes) episodes at epsilon 0.05, standard error \(format(p.referenceStandardError))"
                        : "= the best stage's mean"))
            } else {
                lines += onlineSummary(p, reference: m.referenceReturn)
            }
            lines.append("  episodes \(m.episodeCount), transitions \(m.stepCount), \(dataset.byteCount) bytes")
            lines.append(
                "  reference return \(format(m.referenceReturn)); return-to-go (γ \(format(m.discount))) in [\(format(m.returnToGoMin)), \(format(m.returnToGoMax))]"
            )
            if p.stages.isEmpty {
                lines.append("  stage  epsilon  episodes      mean       min       q25    median       q75       max")
            } else {
                lines.append("  stage   update  env steps  label score ± s.e. (episodes)      q  label   episodes      mean       min       q25    median       q75       max")
            }
            for (stage, s) in stats.enumerated() {
                let row: String
                if p.stages.isEmpty {
                    row = pad("\(stage)", 7) + pad(format(DatasetCollector.epsilon(stage: stage, stageCount: m.qualityStageCount)), 9)
                } else {
                    let t = p.stages[stage]
                    row = pad("\(stage)", 7) + pad("\(t.update)", 9) + pad("\(t.environmentSteps)", 11)
                        + pad("\(format(t.score.mean)) ± \(format(t.score.standardError)) (\(t.score.count))", 32)
                        + pad(format(t.normalisedScore), 7) + pad(t.label?.rawValue ?? "none", 7)
                }
                lines.append(
                    row + pad("\(s.count)", 11 - (p.stages.isEmpty ? 1 : 0))
                        + [s.mean, s.minimum, s.lowerQuartile, s.median, s.upperQuartile, s.maximum].map {
                            pad(format($0), 10)
                        }.joined())
            }
            if !p.stages.isEmpty { lines.append(labelCounts(p.stages, episodes: dataset.episodes)) }
        }
        lines.append("total: \(paths.count) tasks, \(episodes) episodes, \(transitions) transitions, \(bytes) bytes")
        return lines.joined(separator: "\n")
    }

    /// Checks every dataset at `path`: structure, values, every checksum, and that a file named after a
    /// registered task holds that task; a bad file is reported, not thrown.
    /// - Throws: `DatasetError.notFound` only.
    public static func verify(path: String) throws -> VerificationReport {
        var results: [VerificationReport.FileResult] = []
        for file in try datasetPaths(at: path) {
            do {
                let dataset = try DatasetFile(path: file, verifyingChecksums: false)
                let sections = try dataset.verify()
                if let task = registeredTask(named: file, header: dataset.metadata.task.id) { try dataset.check(holds: task) }
                results.append(.init(path: file, failure: nil, sectionsChecked: sections.count + 1))
            } catch {
                results.append(.init(path: file, failure: "\(error)", sectionsChecked: 0))
            }
        }
        return VerificationReport(files: results)
    }

    /// The source and references of data recorded from an online run; a flag where R_ref ≤ 0 (spec §3).
    static func onlineSummary(_ p: DatasetProvenance, reference: Double) -> [String] {
        func measured(_ r: MeanWithError) -> String { "\(format(r.mean)) ± \(format(r.standardError)) (\(r.count) episodes)" }
        var lines = ["  source: \(p.behaviour), \(p.stages.count) snapshots; R_ref = R_max (best-by-evaluation parameters re-run) "
            + measured(MeanWithError(mean: reference, standardError: p.referenceStandardError, count: p.referenceEpisodes))
            + "; R_final " + (p.finalReturn.map(measured) ?? "unknown")]
        if !(reference > 0) {
            lines.append("  FLAGGED: R_ref ≤ 0, so q and the quality labels are undefined; report raw returns (spec §3)")
        }
        return lines
    }

    /// Episodes per quality label (by their stage's label), naming empty labels (spec P17).
    static func labelCounts(_ stages: [SnapshotStage], episodes: [EpisodeRecord]) -> String {
        var counts = [String: Int]()
        for e in episodes { counts[stages[e.qualityStage].label?.rawValue ?? "none", default: 0] += 1 }
        let empty = QualityLabel.allCases.map(\.rawValue).filter { counts[$0] == nil }
        return "  labels (episodes): " + (QualityLabel.allCases.map(\.rawValue) + ["none"]).map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
            + (empty.isEmpty ? "" : "; empty: " + empty.joined(separator: ", "))
    }

    static func format(_ value: Double) -> String { String(format: "%.3f", value) }
    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// The outcome of `DatasetInspector.verify`.
public struct VerificationReport: Sendable, Equatable {
    public struct FileResult: Sendable, Equatable {
        public let path: String
        /// The error text, nil when every checksum matched.
        public let failure: String?
        /// Header plus sections checked.
        public let sectionsChecked: Int
    }
    public let files: [FileResult]

    public var allPassed: Bool { files.allSatisfy { $0.failure == nil } }

    /// One line per file (`ok` or the error) and a total.
    public var text: String {
        let lines = files.map { $0.failure.map { "FAILED \($0)" } ?? "ok \($0.path) (\($0.sectionsChecked) checksums)" }
        let failed = files.filter { $0.failure != nil }.count
        return (lines + ["\(files.count - failed) of \(files.count) files passed"]).joined(separator: "\n")
    }
}
