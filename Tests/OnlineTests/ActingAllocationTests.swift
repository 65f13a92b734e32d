import AllocationCounter
import Environments
import Model
import Online
import TensorCore
import Testing

/// The acting path of online training allocates nothing per step (issue #18): a rollout of
/// T steps, after a first one has warmed everything up, makes no heap allocation at all.
@Suite struct ActingAllocationTests {
    @Test func collectingARolloutAllocatesNothing() throws {
        let task = try TaskRegistry.task(id: "lbf-8x8-2p-2f-coop")
        var settings = OnlineRunSettings()
        settings.embedding = 16
        let config = settings.modelConfig(for: task)
        let layout = SableLayout(config: config)
        var random = RandomStream(seed: 5)
        let parameters = SableInitializer.parameters(for: layout, random: &random)
        let collector = RolloutCollector(task: task, layout: layout, copies: 4, random: RandomStream(seed: 6))
        let rollout = Rollout(envs: 4, steps: 64, agents: task.agentCount, config: config)
        collector.collect(parameters: parameters, into: rollout)

        allocation_counter_start()
        let probe = [Float](repeating: 1, count: 1000 + rollout.steps)
        let counted = allocation_counter_stop()
        #expect(counted >= 1 && probe.count > 1000, "the counter missed an array allocation")

        allocation_counter_start()
        collector.collect(parameters: parameters, into: rollout)
        let allocations = allocation_counter_stop()
        #expect(allocations == 0, "a 64-step rollout of 4 envs allocated \(allocations) times")
        #expect(collector.finishedReturns.count > 0, "no episode ended: the rollout did not run")
    }
}
