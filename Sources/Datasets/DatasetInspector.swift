import Environments
import Foundation

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

    /// Text for `dataset inspect PATH`: per task its sizes, reference return, return-to-go range and
    /// the return distribution per quality stage; then totals.
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
            lines.append("  behaviour: \(p.behaviour); reference "
                + (p.referenceEpisodes > 0 ? "measured on \(p.referenceEpisodes) episodes at epsilon 0.05, standard error \(format(p.referenceStandardError))"
                    : "= the best stage's mean"))
            lines.append("  episodes \(m.episodeCount), transitions \(m.stepCount), \(dataset.byteCount) bytes")
            lines.append(
                "  reference return \(format(m.referenceReturn)); return-to-go (γ \(format(m.discount))) in [\(format(m.returnToGoMin)), \(format(m.returnToGoMax))]"
            )
            lines.append("  stage  epsilon  episodes      mean       min       q25    median       q75       max")
            let stats = CollectionSummary(
                contents: DatasetContents(
                    task: m.task, qualityStageCount: m.qualityStageCount, referenceReturn: m.referenceReturn,
                    observations: [], actions: [], legal: [], rewards: [], flags: [], episodes: dataset.episodes)
            ).stageReturns
            for (stage, s) in stats.enumerated() {
                let eps = DatasetCollector.epsilon(stage: stage, stageCount: m.qualityStageCount)
                lines.append(
                    pad("\(stage)", 7) + pad(format(eps), 9) + pad("\(s.count)", 10)
                        + [s.mean, s.minimum, s.lowerQuartile, s.median, s.upperQuartile, s.maximum].map {
                            pad(format($0), 10)
                        }.joined())
            }
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
