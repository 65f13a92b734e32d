import Datasets
import Environments
import Foundation
import Testing
import TestSupport

/// The reference table's file: the current six columns round-trip, older files still read, bad
/// rows are refused with the line named; the random policy's return is measured to an absolute bound.
@Suite struct ReferenceReturnTableTests {
    @Test("every column round-trips through the file, unknown values included")
    func newColumnsRoundTrip() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-refs")
        var table = ReferenceReturnTable()
        table["con-15x15x23a"] = ReferenceReturn(mean: -8.63, standardError: 0.061, behaviour: "observed", randomMean: -12.25,
                                                 randomStandardError: 0.1234567890123)
        table["con-5x5x3a"] = ReferenceReturn(mean: 2.7000001328997314, standardError: 0.0274, behaviour: "oracle")
        let path = dir.file("reference-returns.tsv").path
        try table.write(path: path)
        let read = try ReferenceReturnTable.read(path: path)
        #expect(read == table)
        #expect(read["con-15x15x23a"]?.randomStandardError == 0.1234567890123)
        #expect(read["con-5x5x3a"]?.hasRandom == false && read["con-5x5x3a"]!.randomMean.isNaN)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let header = text.split(separator: "\n")[0]
        for column in ["task", "reference", "reference_se", "behaviour", "random", "random_se"] {
            #expect(header.split(separator: "\t").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "# ")) }
                        .contains(column), "header names \(column): \(header)")
        }
    }

    @Test("a 3-column (and a 2-column) file of an older collect reads with the random return unknown")
    func olderFilesRead() throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-refs-old")
        let path = dir.file("reference-returns.tsv").path
        try "# task\treference return (epsilon 0.05)\tbehaviour\nlbf-8x8-2p-2f-coop\t0.91\tobserved\nlbf-10x10-3p-3f\t0.5\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let table = try ReferenceReturnTable.read(path: path)
        #expect(table.entries.count == 2)
        let observed = try #require(table["lbf-8x8-2p-2f-coop"])
        #expect(observed.mean == 0.91 && observed.behaviour == "observed")
        #expect(observed.randomMean.isNaN && observed.randomStandardError.isNaN && observed.standardError.isNaN && !observed.hasRandom)
        #expect(table["lbf-10x10-3p-3f"]?.behaviour == "oracle" && table.behaviour(of: "lbf-10x10-3p-3f") == "oracle")
        // Written back, it is a current file with the same values.
        try table.write(path: path)
        #expect(try ReferenceReturnTable.read(path: path) == table)
    }

    @Test("malformed rows are refused naming the file and line", arguments: [
        "t\t1.0\t0.1\toracle", "t\tnan\t0.1\toracle\t0\t0.1", "t\t1.0\t-0.1\toracle\t0\t0.1", "t\t1.0\t0.1\toracle\tinf\t0.1",
        "t\t1.0\t0.1\t\t0\t0.1", "t\tone", "t\t1.0\t",
    ])
    func badRowsAreRefused(row: String) throws {
        let dir = try TemporaryDirectory(prefix: "mtrl-refs-bad")
        let path = dir.file("reference-returns.tsv").path
        try (ReferenceReturnTable.header + "\nok\t1\t0.1\toracle\t0\t0.1\n" + row + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ReferenceReturnTable.read(path: path)
            Issue.record("accepted '\(row)'")
        } catch let error as ReferenceTableError {
            #expect("\(error)".contains("\(path):3") && "\(error)".contains("mtrl-dist collect"), "\(error)")
        }
    }

    @Test("the random policy's return near zero stops at the absolute bound, well before the episode limit")
    func randomReturnUsesAnAbsoluteBound() throws {
        // Random play on this task earns about 0.08 (sd about 0.1 per episode): 2 % of itself would take
        // some 4,000 episodes, 2 % of the reference's scale a few dozen.
        let task = try TaskRegistry.task(id: "lbf-15x15-3p-5f")
        let precision = ReferencePrecision(minimumEpisodes: 20, maximumEpisodes: 2_000)
        let reference = 0.9
        let random = DatasetCollector.measureRandom(task: task, seed: 3, precision: precision, reference: reference)
        #expect(random.mean > 0 && random.mean < 0.2 * reference, "random mean \(random.mean)")
        #expect(random.episodes < precision.maximumEpisodes, "\(random.episodes) episodes")
        #expect(random.standardError <= 0.02 * max(abs(reference - random.mean), abs(reference), 1))
        #expect(random.episodes % precision.minimumEpisodes == 0)
        // The same seed plays the same episodes.
        let again = DatasetCollector.measureRandom(task: task, seed: 3, precision: precision, reference: reference)
        #expect(again.mean == random.mean && again.episodes == random.episodes)
    }
}
