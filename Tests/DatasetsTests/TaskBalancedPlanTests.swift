import Datasets
import Testing

private let sizes: [(batch: Int, tasks: Int)] = [
    (64, 1), (64, 5), (64, 7), (64, 64), (3, 5), (1, 4), (0, 3), (10, 3), (17, 6), (100, 9), (5, 2), (12, 12), (7, 13),
]

@Test(arguments: 0..<sizes.count)
func everyTaskGetsQOrQPlusOneAndEntriesAreGrouped(caseIndex: Int) {
    let (b, m) = sizes[caseIndex]
    let q = b / m
    for update in [0, 1, 2, 5, 99, 12_345] {
        let plan = TaskBalancedPlan.balanced(update: update, batchSize: b, taskCount: m)
        #expect(plan.batchSize == b && plan.countsPerTask.reduce(0, +) == b, "B \(b) M \(m) u \(update)")
        #expect(
            plan.countsPerTask.allSatisfy { $0 == q || $0 == q + 1 }, "B \(b) M \(m) u \(update): \(plan.countsPerTask)"
        )
        let expected = plan.countsPerTask.enumerated().flatMap { t, c in
            (0..<c).map { PlanEntry(task: t, indexInTask: $0) }
        }
        #expect(plan.entries == expected, "B \(b) M \(m) u \(update)")
    }
}

@Test(arguments: 0..<sizes.count)
func everyTaskGetsExactlyBOverAnyMConsecutiveUpdates(caseIndex: Int) {
    let (b, m) = sizes[caseIndex]
    for first in [0, 3, 1000] {
        var totals = [Int](repeating: 0, count: m)
        for u in first..<(first + m) {
            for (t, c) in TaskBalancedPlan.balanced(update: u, batchSize: b, taskCount: m).countsPerTask.enumerated() {
                totals[t] += c
            }
        }
        #expect(totals == [Int](repeating: b, count: m), "B \(b) M \(m) from update \(first)")
    }
}

@Test(arguments: 0..<sizes.count)
func closedFormPointerFollowsTheRecurrence(caseIndex: Int) {
    let (b, m) = sizes[caseIndex]
    let r = b - (b / m) * m
    var pointer = 0
    for u in 0..<50 {
        var expected = [Int](repeating: b / m, count: m)
        for k in 0..<r { expected[(pointer + k) % m] += 1 }
        #expect(
            TaskBalancedPlan.balanced(update: u, batchSize: b, taskCount: m).countsPerTask == expected,
            "B \(b) M \(m) u \(u)")
        pointer = (pointer + r) % m
    }
}

@Test func proportionalPlanFollowsSizesAndIsReproducible() {
    let sizes = [100, 0, 300, 600]
    var totals = [0, 0, 0, 0]
    for u in 0..<500 {
        let plan = TaskBalancedPlan.proportional(seed: 7, update: u, batchSize: 64, taskSizes: sizes)
        #expect(plan.batchSize == 64 && plan.countsPerTask[1] == 0)
        #expect(plan == TaskBalancedPlan(mode: .proportional, seed: 7, update: u, batchSize: 64, taskSizes: sizes))
        for (t, c) in plan.countsPerTask.enumerated() { totals[t] += c }
    }
    let share = totals.map { Double($0) / Double(500 * 64) }
    #expect(abs(share[0] - 0.1) < 0.01 && abs(share[2] - 0.3) < 0.015 && abs(share[3] - 0.6) < 0.015, "shares \(share)")
}

@Test func singleTaskPlanPutsTheWholeBatchOnOneTask() {
    var seen = Set<Int>()
    for u in 0..<200 {
        let plan = TaskBalancedPlan.singleTask(seed: 3, update: u, batchSize: 64, taskCount: 5)
        #expect(plan.countsPerTask.filter { $0 != 0 } == [64], "update \(u)")
        seen.insert(plan.entries[0].task)
    }
    #expect(seen == [0, 1, 2, 3, 4])
}

@Test(arguments: [1, 2, 3, 5, 8, 70])
func rankSharesPartitionTheBatch(ranks: Int) {
    let plan = TaskBalancedPlan.balanced(update: 4, batchSize: 64, taskCount: 7)
    let shares = (0..<ranks).map { plan.share(rank: $0, of: ranks) }
    #expect(shares.first!.lowerBound == 0 && shares.last!.upperBound == 64, "ranks \(ranks)")
    #expect(zip(shares, shares.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "ranks \(ranks)")
    #expect(shares.map(\.count).max()! - shares.map(\.count).min()! <= 1, "ranks \(ranks)")
}
