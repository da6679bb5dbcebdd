#if os(Linux)
    import ConcordTestSupport
    import Foundation
    @testable import PQ
    import Testing

    /// `PQ_REACTOR_BINDING=cpu` binds each reactor thread to a CPU of its own and moves every connection to the
    /// reactor on the CPU where the kernel handles its answers (the server process's own, over loopback).
    @Suite struct ReactorBindingTests {
        static let benchmark = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/pq-benchmark")

        @Test func theSettingGivesEachReactorACPUInTurnOrLeavesThemToTheScheduler() {
            #expect(Reactor.placement(nil, reactors: 2, allowed: [0, 1]) == [nil, nil])
            #expect(Reactor.placement("", reactors: 2, allowed: [0, 1]) == [nil, nil])
            #expect(Reactor.placement("none", reactors: 2, allowed: [0, 1]) == [nil, nil])
            #expect(Reactor.placement("cpu", reactors: 2, allowed: [0, 1]) == [0, 1])
            #expect(Reactor.placement("cpu", reactors: 3, allowed: [2, 5]) == [2, 5, 2])
            #expect(Reactor.placement("cpu", reactors: 1, allowed: []) == [nil])
            #expect(Reactor.placement("cores", reactors: 2, allowed: [0, 1]) == nil)
        }

        /// A process of its own (the setting is read once per process): `pq-benchmark`, whose tasks run on the
        /// reactors, over TCP (a Unix socket has no input CPU) to the tests' own cluster, whose server processes
        /// the test can bind. They are all bound to the first reactor's CPU while it runs, so every connection
        /// must end on the first reactor: in the run's last second, only its connections are used.
        @Test(
            .enabled(if: ProcessInfo.processInfo.activeProcessorCount >= 2),
            .enabled(if: (ProcessInfo.processInfo.environment["CONCORD_TEST_DATABASE_URL"] ?? "").isEmpty))
        func boundReactorsKeepToTheirCPUsAndConnectionsMoveToWhereTheirAnswersArrive() async throws {
            try #require(FileManager.default.isExecutableFile(atPath: Self.benchmark.path), "build pq-benchmark first")
            let database = try await TestDatabase.shared.create(migrated: false)
            let cluster = try #require(database.cluster)
            let admin = try await Connection.connect(database.conninfo)
            try await admin.simpleQuery(
                """
                CREATE TABLE bench_items (id bigint PRIMARY KEY, org_id int NOT NULL, name text NOT NULL,
                    value double precision NOT NULL);
                INSERT INTO bench_items SELECT i, i % 100, 'item ' || i, i * 0.5 FROM generate_series(1, 100) AS i
                """)
            let name = "reactor-binding-\(database.name)"
            let process = Process()
            process.executableURL = Self.benchmark
            process.arguments = [
                "--conninfo", cluster.tcpConninfo(database: database.name) + " application_name=\(name)",
                "--executor", "pq", "--clients", "8", "--rows", "100", "--warmup", "2", "--duration", "6",
            ]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "PQ_REACTORS": "2", "PQ_REACTOR_BINDING": "cpu",
            ]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            let exited = try start(process)
            defer { if process.isRunning { process.terminate() } }

            var backends: [Int] = []
            let connected = try await eventually(within: .seconds(30), every: .milliseconds(50)) {
                backends = try await admin.query(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = \(name) ORDER BY pid"
                ).map { try $0.decode(0, as: Int.self) }
                return backends.count == 8
            }
            try #require(connected, "pq-benchmark's 8 connections: \(backends)")

            let cpus = reactorCPUs(of: process.processIdentifier)
            #expect(cpus.count == 2 && cpus.allSatisfy { $0.count == 1 } && Set(cpus).count == 2, "\(cpus)")
            let first = try #require(cpus.first?.first)
            for backend in backends {
                let taskset = try await Command.run("/usr/bin/env", ["taskset", "-p", "-c", "\(first)", "\(backend)"])
                #expect(taskset.status == 0, "taskset -p -c \(first) \(backend): \(taskset.output)")
            }

            let status = await exited.value
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(status == 0, "\(text)")
            let fields = Dictionary(
                text.split(whereSeparator: \.isWhitespace).compactMap { field -> (String, String)? in
                    let parts = field.split(separator: "=", maxSplits: 1)
                    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                }, uniquingKeysWith: { $1 })
            #expect(fields["errors"] == "0", "\(text)")
            // Half of them opened on the second reactor, so at least four moved.
            #expect((fields["moved"].flatMap { Int($0) } ?? 0) >= 4, "\(text)")
            #expect(fields["last_second_executors"] == "0", "\(text)")
        }

        /// Starts `process`; its exit status, once it exits, without holding a thread meanwhile.
        func start(_ process: Process) throws -> Task<Int32, Never> {
            let (statuses, continuation) = AsyncStream.makeStream(of: Int32.self)
            process.terminationHandler = { continuation.yield($0.terminationStatus) }
            try process.run()
            return Task { await statuses.first { _ in true } ?? -1 }
        }

        /// The CPUs each thread named `pq.reactor.N` of process `pid` may run on, in N's order.
        /// Threads that exit meanwhile (Dispatch's idle workers do) are passed over.
        func reactorCPUs(of pid: Int32) -> [[Int]] {
            var byIndex: [Int: [Int]] = [:]
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            for task in tasks {
                guard
                    let comm = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines),
                    comm.hasPrefix("pq.reactor."), let index = Int(comm.dropFirst("pq.reactor.".count)),
                    let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)
                else { continue }
                let list = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
                byIndex[index] = cpuList(list.map { String($0.dropFirst("Cpus_allowed_list:".count)) } ?? "")
            }
            return byIndex.keys.sorted().map { byIndex[$0]! }
        }

        /// "0-2,5" as [0, 1, 2, 5].
        func cpuList(_ text: String) -> [Int] {
            text.trimmingCharacters(in: .whitespaces).split(separator: ",").flatMap { range -> [Int] in
                let ends = range.split(separator: "-").compactMap { Int($0) }
                guard let low = ends.first else { return [] }
                return Array(low...(ends.last ?? low))
            }
        }
    }
#endif
