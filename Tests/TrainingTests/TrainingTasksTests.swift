import Environments
import Testing
import Training

/// `--tasks` resolution: the training tasks, the held-out tasks beside them, and the lists refused.
@Suite struct TrainingTasksTests {
    @Test func heldOutTasksAreTheTestSplitMinusTheTrainedOnes() throws {
        let tasks = try TrainingTasks(kind: .lbf, selection: "lbf-8x8-2p-2f-coop,lbf-15x15-4p-3f")
        #expect(tasks.training.map(\.id) == ["lbf-8x8-2p-2f-coop", "lbf-15x15-4p-3f"])
        let test = TaskRegistry.tasks(kind: .lbf, split: .test).map(\.id).filter { $0 != "lbf-15x15-4p-3f" }
        #expect(tasks.heldOut.map(\.id) == test)
    }

    /// A task given twice would count twice in Eq. 1's mean over tasks: refused, naming it.
    @Test func aTaskListedTwiceIsRefused() {
        #expect {
            try TrainingTasks(kind: .lbf, selection: "lbf-8x8-2p-2f-coop,lbf-2s-8x8-2p-2f-coop,lbf-8x8-2p-2f-coop")
        } throws: { error in
            "\(error)".contains("lbf-8x8-2p-2f-coop twice")
        }
        #expect {
            try TrainingTasks(kind: .lbf, selection: "lbf-8x8-2p-2f-coop,rware-tiny-2ag")
        } throws: { error in
            "\(error)".contains("not a lbf task")
        }
    }
}
