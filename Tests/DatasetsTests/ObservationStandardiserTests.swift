import Datasets
import Foundation
import TensorCore
import Testing
import TestSupport

/// Observation standardisation per environment: statistics of the training datasets, applied to
/// every real agent's features by the sampler, stored and read back exactly.
@Suite struct ObservationStandardiserTests {
    /// Two tasks: 3 agents × 5 features and 2 agents × 4 features.
    func datasets(_ directory: String) throws -> [DatasetFile] {
        [try writeAndOpen(syntheticContents(id: "big", agents: 3, features: 5, seed: 11), in: directory),
         try writeAndOpen(syntheticContents(id: "small", agents: 2, features: 4, episodeLengths: [4, 9, 2, 6], seed: 12), in: directory)]
    }

    @Test func fitPoolsEveryStepAndAgentOfTheTasksThatHaveTheFeature() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = try datasets(directory)
        let standardiser = ObservationStandardiser.fit(datasets: files, featureSize: 6)
        for k in 0..<6 {
            // Every value of feature k, by hand: each row of each dataset with more than k features.
            var values: [Double] = []
            for file in files {
                let contents = file.contents()
                let f = contents.task.observationSize
                guard k < f else { continue }
                for row in 0..<(contents.observations.count / f) { values.append(Double(contents.observations[row * f + k])) }
            }
            guard !values.isEmpty else {
                #expect(standardiser.mean[k] == 0 && standardiser.standardDeviation[k] == 1, "feature \(k) is in no task")
                continue
            }
            let mean = values.reduce(0, +) / Double(values.count)
            let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            #expect(abs(Double(standardiser.mean[k]) - mean) < 1e-6, "feature \(k)")
            #expect(abs(Double(standardiser.standardDeviation[k]) - deviation) < 1e-5, "feature \(k)")
        }
    }

    @Test func aConstantFeatureIsOnlyCentred() {
        let standardiser = ObservationStandardiser(mean: [2, 3], standardDeviation: [0, 0.5])
        var features: [Float] = [5, 4]
        features.withUnsafeMutableBufferPointer { standardiser.apply($0.baseAddress!, count: 2) }
        #expect(features == [3, 2])
    }

    @Test func theSamplerStandardisesRealAgentsAndLeavesPaddingZero() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = try datasets(directory)
        let standardiser = ObservationStandardiser.fit(datasets: files, featureSize: 5)
        func batch(_ standardiser: ObservationStandardiser?) throws -> AgentBatch {
            let sampler = try TaskBalancedSampler(datasets: files, configuration: SamplerConfiguration(
                timeSteps: 3, agentSlots: 4, shuffle: .perUpdate, seed: 5, standardiser: standardiser))
            let plan = sampler.plan(mode: .balanced, update: 2, batchSize: 6)
            var batch = sampler.makeBatch(batchSize: 6)
            sampler.fill(&batch, plan: plan, range: 0..<6)
            return batch
        }
        let raw = try batch(nil), standardised = try batch(standardiser)
        let d = raw.inputSize, slots = raw.agentSlots
        let rawInputs = raw.observations.toArray(), inputs = standardised.observations.toArray()
        var checked = 0
        for token in 0..<(rawInputs.count / d) {
            let row = token * d
            let present = rawInputs[row..<(row + slots)].contains(1)
            for j in 0..<slots { #expect(inputs[row + j] == rawInputs[row + j], "the agent-ID one-hot is not standardised") }
            // The task's own features are standardised; its padded features and absent slots stay 0.
            let big = standardised.taskIndex[token / (raw.timeSteps * slots)] == 0
            for k in 0..<(d - slots) {
                let x = rawInputs[row + slots + k]
                let expected = present && k < (big ? 5 : 4) ? (x - standardiser.mean[k]) / standardiser.standardDeviation[k] : 0
                #expect(abs(inputs[row + slots + k] - expected) < 1e-5, "token \(token) feature \(k)")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    @Test func aStoredStandardiserReadsBackExactlyAndBadFilesAreRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let standardiser = ObservationStandardiser.fit(datasets: try datasets(directory), featureSize: 5)
        let path = "\(directory)/\(ObservationStandardiser.fileName)"
        try standardiser.write(path: path)
        #expect(try ObservationStandardiser.read(path: path) == standardiser)
        for bad in ["0\t1\n", "1\t0\t1\n", "0\tnan\t1\n", "0\t0\t-1\n"] {
            try bad.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: StandardiserFileError.self) { try ObservationStandardiser.read(path: path) }
        }
        #expect(throws: StandardiserFileError.self) { try ObservationStandardiser.read(path: "\(directory)/missing.tsv") }
    }
}
