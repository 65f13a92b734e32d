import Environments
import Testing

/// The observation-based RWARE behaviour: legal, blind to everything outside an agent's own row,
/// deterministic, collision-free without exploration, and clearly better than random play.
@Suite struct RWAREObservedPolicyTests {
    /// The observed policy of the task a scene was built for.
    static func policy(for scene: RWAREScene) -> any ObservationPolicy {
        TaskSpec(id: "scene", split: .spare, parameters: .rware(scene.batch.parameters)).makeObservationPolicy(copies: 1)
    }

    /// The policy's actions for the scene's current observations.
    static func actions(_ policy: any ObservationPolicy, _ scene: RWAREScene) -> [Int32] {
        let view = scene.view()
        var actions = [Int32](repeating: -1, count: view.obs.count)
        policy.act(observations: view.obs.flatMap { $0 }, legal: view.mask.flatMap { $0 }, into: &actions)
        return actions
    }

    /// Steps the scene's batch (already loaded) with `actions`; true when the episode ended in a collision.
    static func step(_ scene: RWAREScene, _ actions: [Int32]) -> Bool {
        var rewards: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        scene.batch.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
        return terminal[0]
    }

    /// Observation and mask arrays of `steps` consecutive steps of one episode of `task` (seed
    /// `seed`) played by the observed policy without exploration.
    static func record(task: TaskSpec, seed: UInt64, steps: Int) -> [(obs: [Float], legal: [UInt8])] {
        let batch = task.makeBatch(copies: 1)
        let policy = task.makeObservationPolicy(copies: 1)
        batch.reset(copy: 0, seed: seed)
        var obs = [Float](repeating: 0, count: task.agentCount * task.observationSize)
        var legal = [UInt8](repeating: 0, count: task.agentCount * 5)
        var actions = [Int32](repeating: 0, count: task.agentCount)
        var rewards: [Float] = [0]
        var terminal = [false]
        var truncated = [false]
        var frames: [(obs: [Float], legal: [UInt8])] = []
        for _ in 0..<steps {
            batch.observations(into: &obs)
            batch.legalActions(into: &legal)
            frames.append((obs, legal))
            policy.act(observations: obs, legal: legal, into: &actions)
            batch.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
            if terminal[0] || truncated[0] { break }
        }
        return frames
    }

    @Test func everyActionIsLegalOnEveryRWARETask() throws {
        for task in TaskRegistry.tasks(kind: .rware) {
            let copies = 4
            let batch = task.makeBatch(copies: copies)
            let policy = task.makeObservationPolicy(copies: copies)
            let n = task.agentCount
            for c in 0..<copies { batch.reset(copy: c, seed: UInt64(40 + c)) }
            var obs = [Float](repeating: 0, count: copies * n * task.observationSize)
            var legal = [UInt8](repeating: 0, count: copies * n * 5)
            var actions = [Int32](repeating: -1, count: copies * n)
            var rewards = [Float](repeating: 0, count: copies)
            var terminal = [Bool](repeating: false, count: copies)
            var truncated = [Bool](repeating: false, count: copies)
            var rng = SplitMixGenerator(seed: 5)
            var illegal = 0
            for _ in 0..<400 {
                batch.observations(into: &obs)
                batch.legalActions(into: &legal)
                policy.act(observations: obs, legal: legal, into: &actions)
                for slot in actions.indices {
                    let a = Int(actions[slot])
                    if a < 0 || a >= 5 || legal[slot * 5 + a] == 0 { illegal += 1 }
                    // Random legal turns and loads now and then take the agents to unusual states.
                    if rng.nextUnit() < 0.1 { actions[slot] = [0, 2, 3, 4][rng.nextInt(below: 4)] }
                }
                batch.step(actions: actions, rewards: &rewards, terminal: &terminal, truncated: &truncated)
                for c in 0..<copies where terminal[c] || truncated[c] {
                    batch.reset(copy: c, seed: rng.next())
                    policy.reset(copy: c)
                }
            }
            #expect(illegal == 0, "\(task.id): \(illegal) illegal actions")
        }
    }

    /// Agent i's actions over a recorded episode stay the same when every other agent's rows (and
    /// masks) come from another episode.
    @Test(arguments: ["rware-tiny-4ag", "rware-medium-6ag"])
    func anAgentActsOnItsOwnRowOnly(taskId: String) throws {
        let task = try TaskRegistry.task(id: taskId)
        let n = task.agentCount
        let d = task.observationSize
        let mine = Self.record(task: task, seed: 11, steps: 300)
        let others = Self.record(task: task, seed: 12, steps: 300)
        let steps = min(mine.count, others.count)
        #expect(steps >= 300)
        for i in 0..<n {
            let alone = task.makeObservationPolicy(copies: 1)
            let mixed = task.makeObservationPolicy(copies: 1)
            var changed = 0
            var differingRows = 0
            var a = [Int32](repeating: 0, count: n)
            var b = [Int32](repeating: 0, count: n)
            for t in 0..<steps {
                var obs = others[t].obs
                var legal = others[t].legal
                obs.replaceSubrange((i * d)..<((i + 1) * d), with: mine[t].obs[(i * d)..<((i + 1) * d)])
                legal.replaceSubrange((i * 5)..<((i + 1) * 5), with: mine[t].legal[(i * 5)..<((i + 1) * 5)])
                if obs != mine[t].obs { differingRows += 1 }
                alone.act(observations: mine[t].obs, legal: mine[t].legal, into: &a)
                mixed.act(observations: obs, legal: legal, into: &b)
                if a[i] != b[i] { changed += 1 }
            }
            #expect(differingRows > steps / 2)
            #expect(changed == 0, "\(taskId) agent \(i): \(changed) of \(steps) actions changed with other rows")
        }
    }

    /// Changing the warehouse outside agent A's window (another agent, the requests) leaves A's row
    /// and A's action as they were.
    @Test func theStateOutsideTheWindowDoesNotMatter() throws {
        var near = RWAREScene(agents: [(4, 0), (8, 7)], facing: [Dir.up, Dir.down], requested: [12, 20])
        var far = RWAREScene(agents: [(4, 0), (2, 3)], facing: [Dir.up, Dir.left], requested: [12, 27])
        near.carry(agent: 1, shelf: 30)
        far.carry(agent: 1, shelf: 3)
        try near.batch.load(near.state, copy: 0)
        try far.batch.load(far.state, copy: 0)
        #expect(near.view().obs[0] == far.view().obs[0])
        #expect(near.view().obs[1] != far.view().obs[1])
        let a = Self.actions(Self.policy(for: near), near)
        let b = Self.actions(Self.policy(for: far), far)
        #expect(a[0] == Act.right, "A turns to the requested shelf 12 beside it at (4,1)")
        #expect(a[0] == b[0])
    }

    /// Fetch in the tiny layout: shelf 12 at (4,1) is requested and agent A walks up corridor 0
    /// beside it: A turns to it, steps in, loads, turns round and steps back out.
    @Test func anAgentFetchesARequestedShelfBesideItsCorridor() throws {
        let scene = RWAREScene(agents: [(4, 0)], facing: [Dir.up], requested: [12])
        try scene.batch.load(scene.state, copy: 0)
        let policy = Self.policy(for: scene)
        var played: [Int32] = []
        for _ in 0..<6 {
            let actions = Self.actions(policy, scene)
            played.append(actions[0])
            #expect(!Self.step(scene, actions))
        }
        #expect(played == [Act.right, Act.forward, Act.toggle, Act.right, Act.right, Act.forward])
        let state = scene.batch.state(copy: 0)
        #expect(state.agentPositions[0] == at(4, 0))
        #expect(state.agentCarrying[0])
    }

    /// A carrier leaving slot (4,1) into corridor 0 waits while B comes up the corridor into the
    /// same cell, and waits by turning (a NOOP on a slot would drop the shelf); B goes first.
    @Test func aSidewaysMoverYieldsToTheLane() throws {
        var scene = RWAREScene(agents: [(4, 1), (5, 0)], facing: [Dir.left, Dir.up], requested: [12])
        scene.carry(agent: 0, shelf: 12)
        try scene.batch.load(scene.state, copy: 0)
        let policy = Self.policy(for: scene)
        let first = Self.actions(policy, scene)
        #expect(first == [Act.left, Act.forward])
        #expect(!Self.step(scene, first))
        var alone = RWAREScene(agents: [(4, 1), (8, 8)], facing: [Dir.left, Dir.up], requested: [12])
        alone.carry(agent: 0, shelf: 12)
        try alone.batch.load(alone.state, copy: 0)
        #expect(Self.actions(Self.policy(for: alone), alone)[0] == Act.forward)
    }

    /// An agent never steps into a cell its window shows occupied, even one that is being left.
    @Test func anAgentDoesNotFollowIntoAnOccupiedCell() throws {
        let scene = RWAREScene(agents: [(5, 0), (4, 0)], facing: [Dir.up, Dir.up])
        try scene.batch.load(scene.state, copy: 0)
        #expect(Self.actions(Self.policy(for: scene), scene) == [Act.noop, Act.forward])
    }

    @Test func thePolicyIsDeterministic() throws {
        let task = try TaskRegistry.task(id: "rware-small-4ag")
        let frames = Self.record(task: task, seed: 21, steps: 200)
        let one = task.makeObservationPolicy(copies: 1)
        let two = task.makeObservationPolicy(copies: 1)
        var a = [Int32](repeating: 0, count: task.agentCount)
        var b = [Int32](repeating: 0, count: task.agentCount)
        var differences = 0
        for frame in frames {
            one.act(observations: frame.obs, legal: frame.legal, into: &a)
            two.act(observations: frame.obs, legal: frame.legal, into: &b)
            if a != b { differences += 1 }
        }
        #expect(differences == 0)
        let first = EpisodeRunner.run(task: task, episodes: 8, epsilon: 0.05, seed: 4, behaviour: .observed)
        let second = EpisodeRunner.run(task: task, episodes: 8, epsilon: 0.05, seed: 4, behaviour: .observed)
        #expect(first.returns == second.returns)
    }

    /// Without exploration no episode ends early: every collision rule (§4) is avoided.
    @Test(arguments: ["rware-tiny-5ag", "rware-small-8ag", "rware-large-10ag", "rware-wide-6ag", "rware-tiny-2ag-sr2"])
    func withoutExplorationNoAgentsCollide(taskId: String) throws {
        let stats = EpisodeRunner.run(
            task: try TaskRegistry.task(id: taskId), episodes: 20, epsilon: 0, seed: 8, behaviour: .observed)
        #expect(stats.lengths.allSatisfy { $0 == 500 }, "\(taskId): lengths \(stats.lengths)")
    }

    /// Measured: 10.96 mean return at ε = 0.05 over 100 episodes of rware-tiny-2ag (12.0 at ε = 0,
    /// 0.0 for random play).
    @Test func itDeliversFarMoreThanRandomPlay() throws {
        let task = try TaskRegistry.task(id: "rware-tiny-2ag")
        let observed = EpisodeRunner.run(task: task, episodes: 50, epsilon: 0.05, seed: 6, behaviour: .observed)
        let random = EpisodeRunner.run(task: task, episodes: 50, epsilon: 1, seed: 6, behaviour: .observed)
        #expect(observed.meanReturn >= 9, "observed \(observed.meanReturn)")
        #expect(observed.meanReturn > 5 * random.meanReturn, "observed \(observed.meanReturn), random \(random.meanReturn)")
    }
}
