import Environments
import Experiments
import Foundation
import Losses
import Testing
import Training

/// The grids `experiment run` trains: which runs exist and what each one's settings are.
@Suite struct ExperimentPlanTests {
    let directory = ExperimentDirectory(path: "/tmp/mtrl-plan-test")

    func spec(_ name: ExperimentName, env: [EnvironmentKind] = [.lbf], seeds: Int = 2, algorithms: [LossKind]? = nil,
              taskCounts: [Int]? = nil, trainingTasks: Int? = nil, overrides: [String: String] = [:]) -> ExperimentSpec {
        ExperimentSpec(name: name, scale: .smoke, environments: env, seeds: seeds,
                       algorithms: algorithms ?? ExperimentSpec.defaultAlgorithms(name), taskCounts: taskCounts,
                       trainingTasks: trainingTasks, data: "/tmp/mtrl-plan-test/data", overrides: overrides)
    }

    @Test func table1RunsEveryAlgorithmOnAllTrainingTasksPerSeed() throws {
        let cells = try ExperimentPlan.cells(for: spec(.table1, env: [.lbf, .connector]), directory: directory)
        #expect(cells.count == 2 * 3 * 2)
        #expect(Set(cells.map(\.id)).count == cells.count)
        let training = TaskRegistry.tasks(kind: .lbf, split: .train).map(\.id).joined(separator: ",")
        for cell in cells where cell.environment == .lbf {
            #expect(cell.config.tasks == training)
            #expect(cell.config.heldOut == .test)
            #expect(cell.config.loss.kind == cell.algorithm)
            #expect(cell.config.seed == cell.seed)
            #expect(cell.config.out == directory.runDirectory(cell.id))
            #expect(cell.config.data == "/tmp/mtrl-plan-test/data")
            #expect(cell.config.steps == ExperimentScale.smoke.settings(for: .lbf).steps)
        }
    }

    @Test func fig1HasOneSingleTaskRunPerTrainingTaskBesideTheMultiTaskRun() throws {
        let cells = try ExperimentPlan.cells(for: spec(.fig1, seeds: 1, algorithms: [.oryx]), directory: directory)
        let training = TaskRegistry.tasks(kind: .lbf, split: .train).map(\.id)
        #expect(cells.filter { $0.setting == "MT" }.count == 1)
        #expect(cells.filter { $0.setting == "ST" }.map(\.config.tasks).sorted() == training.sorted())
        // ST runs of one seed form one group: the report averages them per held-out task.
        #expect(Set(cells.filter { $0.setting == "ST" }.map(\.groupKey)).count == 1)
    }

    @Test func fig4AddsTasksInRegistryOrderAndTakesASubset() throws {
        let training = TaskRegistry.tasks(kind: .rware, split: .train).map(\.id)
        let all = try ExperimentPlan.cells(for: spec(.fig4, env: [.rware], seeds: 1), directory: directory)
        #expect(all.count == training.count)
        for cell in all { #expect(cell.config.tasks == training.prefix(Int(cell.x!)).joined(separator: ",")) }
        let some = try ExperimentPlan.cells(for: spec(.fig4, env: [.rware], seeds: 1, taskCounts: [1, 4]), directory: directory)
        #expect(some.map(\.x) == [1, 4])
    }

    @Test func aTrainingTaskSubsetIsTheFirstKTasksOfEveryExperimentsGrid() throws {
        let first4 = Array(TaskRegistry.tasks(kind: .rware, split: .train).map(\.id).prefix(4))
        let table1 = try ExperimentPlan.cells(for: spec(.table1, env: [.rware], seeds: 1, trainingTasks: 4), directory: directory)
        #expect(table1.allSatisfy { $0.config.tasks == first4.joined(separator: ",") && $0.config.heldOut == .test })
        let fig1 = try ExperimentPlan.cells(for: spec(.fig1, env: [.rware], seeds: 1, algorithms: [.oryx], trainingTasks: 4),
                                            directory: directory)
        #expect(fig1.filter { $0.setting == "ST" }.map(\.config.tasks) == first4)
        let fig4 = try ExperimentPlan.cells(for: spec(.fig4, env: [.rware], seeds: 1, trainingTasks: 4), directory: directory)
        #expect(fig4.map(\.x) == [1, 2, 3, 4])
        // A grid written before the option existed reads as all tasks, and the subset is named when it differs.
        var json = String(decoding: try JSONEncoder().encode(spec(.table1)), as: UTF8.self)
        #expect(!json.contains("training_tasks"))
        json = json.replacingOccurrences(of: "\"seeds\"", with: "\"training_tasks\":4,\"seeds\"")
        let decoded = try JSONDecoder().decode(ExperimentSpec.self, from: Data(json.utf8))
        #expect(decoded.trainingTasks == 4)
        #expect(decoded.differences(from: spec(.table1)) == ["training-tasks: all → 4"])
    }

    @Test func fig5aTrainsOnSubsampledCopiesAndFig5bOnLargerEmbeddings() throws {
        let fractions = ExperimentScale.smoke.settings(for: .lbf).datasetFractions
        let a = try ExperimentPlan.cells(for: spec(.fig5a, seeds: 1), directory: directory)
        #expect(a.count == fractions.count)
        for (cell, fraction) in zip(a, fractions) {
            #expect(cell.config.data == (fraction < 1 ? directory.subsampledData(fraction: fraction) : "/tmp/mtrl-plan-test/data"))
        }
        let b = try ExperimentPlan.cells(for: spec(.fig5b, seeds: 1), directory: directory)
        #expect(b.map(\.config.embed) == ExperimentScale.smoke.settings(for: .lbf).embeddings)
        #expect(b.map { Int($0.x!) } == b.map(\.config.embed))
    }

    @Test func fig6SwitchesOffOneDesignChoicePerSetting() throws {
        let cells = try ExperimentPlan.cells(for: spec(.fig6, env: [.rware], seeds: 1, algorithms: [.oryx]), directory: directory)
        func config(_ setting: String) -> TrainConfig { cells.first { $0.setting == setting }!.config }
        let full = config("full")
        #expect(full.value == .hlgauss && full.loss.masksAbsentAgents && full.shufflesAgents && full.batching == .balanced)
        #expect(config("mse").value == .mse)
        #expect(!config("no-masking").loss.masksAbsentAgents && !config("no-masking").shufflesAgents)
        #expect(config("single-task").batching == .singleTask)
        #expect(config("proportional").batching == .proportional)
        // Each ablation differs from the full setting in its own settings only.
        for setting in ["mse", "no-masking", "single-task", "proportional"] {
            var ablation = config(setting)
            ablation.value = full.value
            ablation.loss.masksAbsentAgents = full.loss.masksAbsentAgents
            ablation.shufflesAgents = full.shufflesAgents
            ablation.batching = full.batching
            ablation.out = full.out
            #expect(ablation.resolvedText == full.resolvedText, "\(setting)")  // text: vmin and vmax are NaN (auto)
        }
    }

    @Test func impossibleGridsAreRefusedWithTheReason() {
        #expect(throws: ExperimentError.self) { try spec(.fig6, algorithms: [.bc]).validate() }
        #expect(throws: ExperimentError.self) { try spec(.fig4, taskCounts: [6]).validate() }
        #expect(throws: ExperimentError.self) { try spec(.table1, taskCounts: [1]).validate() }
        #expect(throws: ExperimentError.self) { try spec(.table1, trainingTasks: 6).validate() }
        #expect(throws: ExperimentError.self) { try spec(.table1, trainingTasks: 0).validate() }
        #expect(throws: ExperimentError.self) { try spec(.fig4, taskCounts: [4], trainingTasks: 3).validate() }
        #expect(throws: Never.self) { try spec(.fig4, taskCounts: [3], trainingTasks: 3).validate() }
        #expect(throws: ExperimentError.self) { try spec(.table1, overrides: ["seed": "4"]).validate() }
        #expect(throws: ExperimentError.self) { try spec(.table1, overrides: ["stepz": "4"]).validate() }
        #expect(throws: Never.self) { try spec(.table1, overrides: ["steps": "4"]).validate() }
        // What the grid varies from run to run: set once for all runs, every label would be wrong.
        #expect(throws: ExperimentError.self) { try spec(.fig6, overrides: ["value": "mse"]).validate() }
        #expect(throws: ExperimentError.self) { try spec(.fig6, overrides: ["batching": "proportional"]).validate() }
        #expect(throws: ExperimentError.self) { try spec(.fig5b, overrides: ["embed": "96"]).validate() }
        #expect(throws: Never.self) { try spec(.table1, overrides: ["value": "mse"]).validate() }
        // A value listed twice would give two cells one run directory.
        #expect(throws: ExperimentError.self) { try spec(.fig4, taskCounts: [2, 2]).validate() }
        #expect(throws: ExperimentError.self) { try spec(.fig4, taskCounts: []).validate() }
        #expect(throws: ExperimentError.self) { try spec(.table1, env: [.lbf, .lbf]).validate() }
        #expect(throws: ExperimentError.self) { try spec(.table1, algorithms: [.bc, .bc]).validate() }
    }

    /// `ExperimentName.variedSettings` names exactly the settings (beyond each run's own) whose
    /// values differ between the grid's runs, so `--settings` can never relabel a run.
    @Test func eachExperimentNamesTheSettingsItVaries() throws {
        for name in ExperimentName.allCases {
            let cells = try ExperimentPlan.cells(for: spec(name, seeds: 1), directory: directory)
            var varied: Set<String> = []
            for setting in TrainConfig.settings where !ExperimentSpec.runKeys.contains(setting.key) {
                if Set(cells.map { setting.value(in: $0.config) }).count > 1 { varied.insert(setting.key) }
            }
            #expect(varied == name.variedSettings, "\(name.rawValue)")
        }
    }

    @Test func invalidGridsSayWhyInOneSentence() {
        let unknown = ExperimentError.invalid("--settings: unknown setting 'x'; see the command's --help.")
        #expect(unknown.description.hasSuffix("--help."))
        #expect(ExperimentError.invalid("no environment chosen").description == "no environment chosen.")
    }

    @Test func overridesReachEveryRun() throws {
        let cells = try ExperimentPlan.cells(for: spec(.table1, overrides: ["steps": "7", "lr": "0.001"]), directory: directory)
        #expect(cells.allSatisfy { $0.config.steps == 7 && $0.config.lr == 0.001 })
    }

    @Test func aDirectoryKeepsItsExperimentAndNamesWhatAnotherRunChanges() throws {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("mtrl-adopt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let directory = ExperimentDirectory(path: temporary)
        let first = spec(.table1)
        try directory.adopt(first)
        try directory.adopt(first)
        #expect(try directory.readSpec() == first)
        var other = first
        other.seeds = 5
        other.scale = .cpu
        do {
            try directory.adopt(other)
            Issue.record("a different grid was adopted")
        } catch let error as ExperimentError {
            #expect("\(error)".contains("seeds: 2 → 5"))
            #expect("\(error)".contains("scale: smoke → cpu"))
        }
        #expect(try directory.readSpec() == first)
    }
}
