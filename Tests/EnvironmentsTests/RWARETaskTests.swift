import Environments
import Testing

/// The RWARE task list and parameter checks (spec env-rware.md §1, §7).
@Suite struct RWARETaskTests {
    @Test func theSplitHasFifteenTrainAndEightTestTasks() {
        #expect(TaskRegistry.tasks(kind: .rware, split: .train).count == 15)
        #expect(TaskRegistry.tasks(kind: .rware, split: .test).count == 8)
        let ids = RWARETasks.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("rware-") })
    }

    @Test(arguments: RWARETasks.all.map(\.id))
    func everyTaskIsAcceptedByTheGenerator(id: String) throws {
        let task = try TaskRegistry.task(id: id)
        guard case .rware(let p) = task.parameters else { Issue.record("\(id) is not RWARE"); return }
        try p.validate()
        #expect(task.observationSize == (p.sensorRange == 1 ? 66 : 178))
        #expect(task.actionCount == 5)
        #expect(task.timeLimit == 500)
    }

    @Test func theSpecTableSizesAreDerived() throws {
        let expected: [(String, Int, Int, Int, Int, Int)] = [
            ("rware-tiny-2ag", 11, 10, 32, 2, 2), ("rware-small-4ag", 20, 10, 80, 4, 4),
            ("rware-medium-6ag", 20, 16, 144, 6, 6), ("rware-large-8ag-hard", 29, 16, 224, 8, 4),
            ("rware-tiny-4ag-easy", 11, 10, 32, 4, 8), ("rware-tiny-4ag-h6", 9, 10, 24, 4, 4),
        ]
        for (id, h, w, s, n, q) in expected {
            guard case .rware(let p) = try TaskRegistry.task(id: id).parameters else { Issue.record("\(id) is not RWARE"); continue }
            #expect([p.gridHeight, p.gridWidth, p.shelfCount, p.agentCount, p.requestQueueSize] == [h, w, s, n, q], "\(id)")
        }
    }

    @Test func evenShelfColumnsAreRefused() {
        let p = RWAREParameters(shelfRows: 1, shelfColumns: 4, agentCount: 2, requestQueueSize: 2)
        #expect(throws: RWAREParameterError.self) { try p.validate() }
    }

    @Test func aTraceHeaderWithInconsistentSizesIsRefused() {
        let header: [String: Any] = [
            "task_params": [
                "shelf_rows": 1, "shelf_columns": 3, "column_height": 8, "num_agents": 2, "sensor_range": 1,
                "request_queue_size": 2, "time_limit": 100, "grid_height": 12,
            ]
        ]
        #expect(throws: RWAREParameterError.self) { try RWARETraceReplayer(header: header) }
    }
}
