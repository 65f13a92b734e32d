/// The Connector tasks of spec env-connector.md §9, in table order.
public enum ConnectorTasks {
    /// Every task: `con-<G>x<G>x<N>a`, time limit G², 54-float observations.
    public static let all: [TaskSpec] = [
        task(5, 3, .train), task(5, 4, .train), task(6, 4, .train), task(7, 5, .train),
        task(7, 7, .train), task(8, 6, .train), task(10, 8, .train), task(10, 10, .train),
        task(12, 12, .train), task(15, 23, .train),
        task(6, 5, .test), task(8, 9, .test), task(9, 8, .test), task(9, 10, .test),
        task(11, 12, .test), task(11, 15, .test), task(13, 16, .test), task(14, 20, .test),
    ]

    static func task(_ gridSize: Int, _ agentCount: Int, _ split: TaskSplit) -> TaskSpec {
        TaskSpec(
            id: "con-\(gridSize)x\(gridSize)x\(agentCount)a", split: split,
            parameters: .connector(ConnectorParameters(gridSize: gridSize, agentCount: agentCount)))
    }
}
