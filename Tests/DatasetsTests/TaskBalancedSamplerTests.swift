import Datasets
import Foundation
import TensorCore
import Testing
import TestSupport

/// Two tasks of different shapes: 3 agents × 5 features and 2 agents × 4 features, A = 4.
private func twoTaskSampler(_ directory: String, shuffle: AgentShuffle, timeSteps: Int = 6, agentSlots: Int? = nil,
                            agentLayout: AgentLayout = .padded) throws -> TaskBalancedSampler
{
    let big = try writeAndOpen(syntheticContents(id: "big", agents: 3, features: 5, seed: 11), in: directory)
    let small = try writeAndOpen(
        syntheticContents(id: "small", agents: 2, features: 4, episodeLengths: [4, 9, 2, 6, 3, 8], seed: 12),
        in: directory)
    return try TaskBalancedSampler(
        datasets: [big, small],
        configuration: SamplerConfiguration(
            timeSteps: timeSteps, agentSlots: agentSlots, shuffle: shuffle, agentLayout: agentLayout, seed: 99))
}

/// For every sample, token and slot: the slot's ID one-hot names an agent a; then the features,
/// action, legal mask and reward are agent a's at that stored step, and the slot's mask is 1.
/// Slots without an ID are absent and fully neutral. Returns each sample's slot → agent map.
private func checkRowsAgainstDatasets(
    _ batch: AgentBatch, _ sampler: TaskBalancedSampler, update: Int, entries: [PlanEntry]
) -> [[Int?]] {
    let n = batch.agentSlots
    let d = batch.inputSize
    let a = batch.actionCount
    let f = sampler.featureSize
    var maps: [[Int?]] = []
    let obs = batch.observations.toArray()
    for (b, entry) in entries.enumerated() {
        let data = sampler.datasets[entry.task].contents()
        let na = data.task.agentCount
        let fa = data.task.observationSize
        let start = sampler.windowStart(update: update, entry: entry)
        var map = [Int?](repeating: nil, count: n)
        #expect(batch.taskIndex[b] == Int32(entry.task))
        for t in 0..<batch.timeSteps {
            let step = start + t
            for j in 0..<n {
                let token = (b * batch.timeSteps + t) * n + j
                let row = Array(obs[(token * d)..<((token + 1) * d)])
                let ids: [Int] = (0..<n).filter { row[$0] != 0 }
                if let agent = ids.first {
                    #expect(
                        ids.count == 1 && row[agent] == 1 && agent < na,
                        "sample \(b) t \(t) slot \(j): id part \(row[0..<n])")
                    if t == 0 {
                        map[j] = agent
                    } else {
                        #expect(map[j] == agent, "sample \(b) slot \(j) changes agent over time")
                    }
                    let source = step * na + agent
                    let features: [Float] = Array(row[n..<(n + fa)])
                    let stored: [Float] = Array(data.observations[(source * fa)..<((source + 1) * fa)])
                    #expect(features == stored, "sample \(b) t \(t) slot \(j)")
                    let padding: [Float] = Array(row[(n + fa)..<(n + f)])
                    #expect(padding.allSatisfy { $0 == 0 }, "feature padding is zero")
                    #expect(batch.actions[token] == Int32(data.actions[source]))
                    #expect(batch.rewards[token] == data.rewards[step])
                    let legal: [UInt8] = Array(batch.legal[(token * a)..<((token + 1) * a)])
                    let storedLegal: [UInt8] = Array(data.legal[(source * a)..<((source + 1) * a)])
                    #expect(legal == storedLegal)
                    #expect(batch.agentMask[b * n + j] == 1)
                } else {
                    #expect(row.allSatisfy { $0 == 0 }, "absent slot \(j) of sample \(b)")
                    #expect(batch.actions[token] == 0 && batch.rewards[token] == 0, "absent slot \(j) of sample \(b)")
                    let legal: [UInt8] = Array(batch.legal[(token * a)..<((token + 1) * a)])
                    #expect(legal.allSatisfy { $0 == 1 })
                    #expect(
                        batch.agentMask[b * n + j] == 0 && map[j] == nil, "absent slot \(j) of sample \(b) is masked")
                }
            }
        }
        #expect(Set(map.compactMap { $0 }) == Set(0..<na), "sample \(b): every real agent appears exactly once")
        #expect(map.compactMap { $0 }.count == na)
        maps.append(map)
    }
    return maps
}

@Test(arguments: AgentShuffle.allCases)
func slotsMoveTogetherAndPaddingIsMasked(shuffle: AgentShuffle) throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sampler = try twoTaskSampler(dir, shuffle: shuffle, agentSlots: 4)
    #expect(sampler.agentSlots == 4 && sampler.featureSize == 5 && sampler.inputSize == 9)
    var distinctMaps = Set<[Int?]>()
    for update in 0..<6 {
        let plan = sampler.plan(mode: .balanced, update: update, batchSize: 7)
        var batch = sampler.makeBatch(batchSize: 7)
        sampler.fill(&batch, plan: plan, range: 0..<7)
        let maps = checkRowsAgainstDatasets(batch, sampler, update: update, entries: plan.entries)
        // The slot → agent map of an n-agent task is the permutation with ids ≥ n removed.
        let slots = maps.indices.map { b in (0..<4).map { j in maps[b][j] ?? -1 } }
        let permutations = plan.entries.map { sampler.slotPermutation(update: update, entry: $0) }
        for (b, entry) in plan.entries.enumerated() {
            let na = sampler.datasets[entry.task].metadata.task.agentCount
            #expect(slots[b] == permutations[b].map { $0 < na ? $0 : -1 }, "update \(update) sample \(b)")
        }
        switch shuffle {
        case .off: #expect(permutations.allSatisfy { $0 == [0, 1, 2, 3] })
        case .perUpdate: #expect(Set(permutations).count == 1, "one permutation per update")
        case .perSample: break
        }
        distinctMaps.formUnion(permutations.map { $0.map { Optional($0) } })
    }
    #expect(
        shuffle == .off ? distinctMaps.count == 1 : distinctMaps.count > 3,
        "\(shuffle): \(distinctMaps.count) distinct permutations")
}

/// Spec §7.1: a compact batch holds the padded batch's real-agent columns, in the padded (shuffled)
/// order, sample after sample; absent slots are left out, nothing else changes.
@Test(arguments: AgentShuffle.allCases)
func compactBatchIsThePaddedBatchWithoutAbsentSlots(shuffle: AgentShuffle) throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let padded = try twoTaskSampler(dir, shuffle: shuffle, agentSlots: 5)
    let compact = try twoTaskSampler(dir, shuffle: shuffle, agentSlots: 5, agentLayout: .compact)
    let (t, n, d, a) = (6, 5, padded.inputSize, padded.actionCount)
    for update in 0..<4 {
        let plan = padded.plan(mode: .balanced, update: update, batchSize: 7)
        var p = padded.makeBatch(batchSize: 7), c = compact.makeBatch(batchSize: 7)
        padded.fill(&p, plan: plan, range: 0..<7)
        compact.fill(&c, plan: plan, range: 0..<7)
        #expect(p.isPadded && p.rowCount == 7 * t * n)
        let agents = plan.entries.map { padded.datasets[$0.task].metadata.task.agentCount }
        #expect(c.agentCounts == agents && c.rowCount == t * agents.reduce(0, +), "update \(update)")
        let (po, co) = (p.observations.toArray(), c.observations.toArray())
        for b in 0..<7 {
            let real = (0..<n).filter { p.agentMask[b * n + $0] != 0 }
            let slots = (0..<agents[b]).map { Int(c.slots[b * n + $0]) }
            #expect(slots == real, "update \(update) sample \(b): compact columns are the real slots in order")
            #expect((0..<n).map { c.agentMask[b * n + $0] } == (0..<n).map { $0 < agents[b] ? Float(1) : 0 })
            #expect(c.resets[(b * t)..<((b + 1) * t)] == p.resets[(b * t)..<((b + 1) * t)] && c.taskIndex[b] == p.taskIndex[b])
            for step in 0..<t {
                for (column, slot) in slots.enumerated() {
                    let cr = c.rows(ofSample: b).lowerBound + step * agents[b] + column, pr = (b * t + step) * n + slot
                    #expect(co[(cr * d)..<((cr + 1) * d)] == po[(pr * d)..<((pr + 1) * d)], "update \(update) sample \(b) t \(step)")
                    #expect(c.actions[cr] == p.actions[pr] && c.rewards[cr] == p.rewards[pr])
                    #expect(c.legal[(cr * a)..<((cr + 1) * a)] == p.legal[(pr * a)..<((pr + 1) * a)])
                }
            }
        }
    }
}

@Test(arguments: [AgentShuffle.perUpdate, .perSample])
func fillingASubsetEqualsTheSameRowsOfTheFullBatch(shuffle: AgentShuffle) throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sampler = try twoTaskSampler(dir, shuffle: shuffle)
    let plan = sampler.plan(mode: .balanced, update: 3, batchSize: 9)
    var full = sampler.makeBatch(batchSize: 9)
    sampler.fill(&full, plan: plan, range: 0..<9)
    for ranks in [2, 3, 4] {
        for rank in 0..<ranks {
            let range = plan.share(rank: rank, of: ranks)
            var part = sampler.makeBatch(batchSize: range.count)
            sampler.fill(&part, plan: plan, range: range)
            let tokens = 6 * 3
            let n = 3
            let d = sampler.inputSize
            let a = sampler.actionCount
            let rows = range.lowerBound..<range.upperBound
            #expect(
                part.observations.toArray()
                    == Array(
                        full.observations.toArray()[(rows.lowerBound * tokens * d)..<(rows.upperBound * tokens * d)]),
                "rank \(rank) of \(ranks)")
            #expect(
                part.actions[...] == full.actions[(rows.lowerBound * tokens)..<(rows.upperBound * tokens)],
                "rank \(rank) of \(ranks)")
            #expect(
                part.rewards[...] == full.rewards[(rows.lowerBound * tokens)..<(rows.upperBound * tokens)],
                "rank \(rank) of \(ranks)")
            #expect(
                part.legal[...] == full.legal[(rows.lowerBound * tokens * a)..<(rows.upperBound * tokens * a)],
                "rank \(rank) of \(ranks)")
            #expect(
                part.resets[...] == full.resets[(rows.lowerBound * 6)..<(rows.upperBound * 6)],
                "rank \(rank) of \(ranks)")
            #expect(
                part.agentMask[...] == full.agentMask[(rows.lowerBound * n)..<(rows.upperBound * n)],
                "rank \(rank) of \(ranks)")
            #expect(part.taskIndex[...] == full.taskIndex[rows], "rank \(rank) of \(ranks)")
        }
    }
}

@Test func resetsMarkFirstStepsOfEpisodesOnTheStoredAxis() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sampler = try twoTaskSampler(dir, shuffle: .off, timeSteps: 5)
    var windowsSeen = [Set<Int>(), Set<Int>()]
    for update in 0..<60 {
        let plan = sampler.plan(mode: .balanced, update: update, batchSize: 8)
        var batch = sampler.makeBatch(batchSize: 8)
        sampler.fill(&batch, plan: plan, range: 0..<8)
        for (b, entry) in plan.entries.enumerated() {
            let dataset = sampler.datasets[entry.task]
            // Spec §1.2: done[t] = term[t−1], done[0] = 0; so resets sit exactly on episode starts other than step 0.
            let episodeStarts = Set(dataset.episodes.map(\.start)).subtracting([0])
            let start = sampler.windowStart(update: update, entry: entry)
            #expect(start >= 0 && start + 5 <= dataset.metadata.stepCount)
            windowsSeen[entry.task].insert(start)
            for t in 0..<5 {
                #expect(
                    batch.resets[b * 5 + t] == (episodeStarts.contains(start + t) ? 1 : 0),
                    "update \(update) sample \(b) t \(t) (step \(start + t))")
            }
        }
    }
    #expect(windowsSeen[0] == Set(0...(37 - 5)) && windowsSeen[1] == Set(0...(32 - 5)), "every start offset is drawn")
}

@Test func incompatibleTasksAreRefused() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let big = try writeAndOpen(syntheticContents(id: "big", agents: 3, features: 5), in: dir)
    let small = try writeAndOpen(syntheticContents(id: "small", agents: 2, features: 5), in: dir)
    let otherActions = try writeAndOpen(syntheticContents(id: "other", actions: 6), in: dir)
    #expect(throws: DatasetError.self) {
        try TaskBalancedSampler(
            datasets: [big, small], configuration: SamplerConfiguration(timeSteps: 4, usesPadding: false))
    }
    #expect(throws: DatasetError.self) {
        try TaskBalancedSampler(datasets: [big, otherActions], configuration: SamplerConfiguration(timeSteps: 4))
    }
    #expect(throws: DatasetError.self) {
        try TaskBalancedSampler(datasets: [big], configuration: SamplerConfiguration(timeSteps: 4, agentSlots: 2))
    }
    #expect(throws: DatasetError.taskTooShort(task: "big", steps: 37, windowLength: 38)) {
        try TaskBalancedSampler(datasets: [big], configuration: SamplerConfiguration(timeSteps: 38))
    }
    #expect(throws: DatasetError.self) { try TaskBalancedSampler(datasets: [], configuration: SamplerConfiguration()) }
    let unpadded = try TaskBalancedSampler(
        datasets: [big], configuration: SamplerConfiguration(timeSteps: 37, usesPadding: false, shuffle: .off))
    #expect(unpadded.inputSize == 3 + 5)
}
