import Foundation

/// A throwaway PostgreSQL cluster for local runs and tests.
///
/// It is created with the installed server's `initdb` and `pg_ctl` (found through `pg_config --bindir`),
/// listens on a unix socket in its own folder and on a loopback TCP port, trusts local connections,
/// and is removed by `stop()`. `initdb` refuses to run as root, so as root the server runs as an
/// unprivileged OS user (`postgres` by default) through `runuser`.
public final class LocalPostgres: @unchecked Sendable {
    public let root: URL
    public let port: Int
    public let superuser = "postgres"
    private let bindir: URL
    private let osUser: String?
    private let lock = NSLock()
    private var running = false

    public var dataDirectory: URL { root.appendingPathComponent("data") }
    /// The unix socket folder; libpq takes it as `host`.
    public var socketDirectory: String { root.path }
    public var logFile: URL { root.appendingPathComponent("postgres.log") }

    /// A libpq conninfo string for `database` as the superuser over the unix socket.
    public func conninfo(database: String = "postgres", user: String? = nil) -> String {
        "host=\(socketDirectory) port=\(port) dbname=\(database) user=\(user ?? superuser)"
    }

    /// The same server over TCP loopback, for tools that measure the network path.
    public func tcpConninfo(database: String = "postgres", user: String? = nil) -> String {
        "host=127.0.0.1 port=\(port) dbname=\(database) user=\(user ?? superuser)"
    }

    /// Creates and starts a new cluster in a fresh folder under `parent` (default: the temporary folder).
    ///
    /// Local and loopback connections are trusted; `passwordRoles` must instead give a password over TCP,
    /// so tests can try a wrong one.
    public static func start(
        parent: URL? = nil, settings: [String: String] = [:], passwordRoles: [String] = []
    ) async throws -> LocalPostgres {
        let bindir = try await Self.serverBinDirectory()
        let base = parent ?? FileManager.default.temporaryDirectory
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let root = base.appendingPathComponent("concord-pg-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let osUser: String? =
            geteuid() == 0 ? (ProcessInfo.processInfo.environment["CONCORD_PG_OS_USER"] ?? "postgres") : nil
        if let osUser {
            // The server's files must belong to the user that runs it; the parent must be traversable.
            try await run("/bin/chown", ["-R", osUser, root.path])
            try await run("/bin/chmod", ["0755", root.path])
        }
        let cluster = LocalPostgres(root: root, port: try freePort(), bindir: bindir, osUser: osUser)
        try await cluster.initialise(settings: settings, passwordRoles: passwordRoles)
        try await cluster.startServer()
        return cluster
    }

    init(root: URL, port: Int, bindir: URL, osUser: String?) {
        self.root = root
        self.port = port
        self.bindir = bindir
        self.osUser = osUser
    }

    deinit { stop() }

    private func initialise(settings: [String: String], passwordRoles: [String]) async throws {
        try await runAsServerUser(
            "initdb",
            ["-D", dataDirectory.path, "-U", superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "-N"]
        )
        var conf = [
            "listen_addresses": "'127.0.0.1'",
            "port": "\(port)",
            "unix_socket_directories": "'\(socketDirectory)'",
            // A test process runs its suites in parallel, each with its own pools on its own database, and
            // the whole suite came to need about 200 at its peak.
            "max_connections": "300",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "shared_buffers": "'256MB'",
            "log_min_messages": "warning",
        ]
        for (key, value) in settings { conf[key] = value }
        let hba =
            ["local all all trust"]
            + passwordRoles.map { "host all \($0) 127.0.0.1/32 scram-sha-256" }
            + ["host all all 127.0.0.1/32 trust", "host replication all 127.0.0.1/32 trust"]
        try hba.joined(separator: "\n").appending("\n")
            .write(to: dataDirectory.appendingPathComponent("pg_hba.conf"), atomically: false, encoding: .utf8)
        try appendSettings(conf)
    }

    /// Starts the server (again, after `stopServer()`), waiting until it accepts connections.
    public func startServer() async throws {
        try await runAsServerUser("pg_ctl", ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "start"])
        lock.withLock { running = true }
    }

    /// A streaming standby of this server in a folder of its own (`pg_basebackup -R`), started and following.
    public func startStandby(settings: [String: String] = [:]) async throws -> LocalPostgres {
        let base = root.deletingLastPathComponent()
        let standbyRoot = base.appendingPathComponent("concord-pg-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: standbyRoot, withIntermediateDirectories: true)
        if let osUser {
            try await Self.run("/bin/chown", ["-R", osUser, standbyRoot.path])
            try await Self.run("/bin/chmod", ["0755", standbyRoot.path])
        }
        let standby = LocalPostgres(root: standbyRoot, port: try Self.freePort(), bindir: bindir, osUser: osUser)
        try await standby.runAsServerUser(
            "pg_basebackup",
            [
                "-h", "127.0.0.1", "-p", "\(port)", "-U", superuser, "-D", standby.dataDirectory.path, "-R", "-X",
                "stream",
            ])
        // The copy carries the primary's port and socket folder; later lines of the file win.
        var conf = ["port": "\(standby.port)", "unix_socket_directories": "'\(standby.socketDirectory)'"]
        for (key, value) in settings { conf[key] = value }
        try standby.appendSettings(conf)
        try await standby.startServer()
        return standby
    }

    /// Makes a standby the primary (`pg_ctl promote`), waiting until it accepts writes.
    public func promote() async throws {
        try await runAsServerUser("pg_ctl", ["-D", dataDirectory.path, "-w", "promote"])
    }

    /// Adds settings to `postgresql.auto.conf`; they apply at the next start or reload.
    public func appendSettings(_ settings: [String: String]) throws {
        let text = settings.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "\n")
        let handle = try FileHandle(forWritingTo: dataDirectory.appendingPathComponent("postgresql.auto.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(("\n" + text + "\n").utf8))
        try handle.close()
    }

    /// Re-reads the configuration files.
    public func reload() async throws {
        try await runAsServerUser("pg_ctl", ["-D", dataDirectory.path, "reload"])
    }

    /// Stops the server but keeps its files, for an outage of chosen length; `startServer()` ends it.
    /// Open connections are told the server is shutting down and cut.
    public func stopServer() async throws {
        try await runAsServerUser("pg_ctl", ["-D", dataDirectory.path, "-w", "-m", "fast", "stop"])
    }

    /// Restarts the server; open connections are cut, as after a crash or a failover.
    public func restart() async throws {
        try await runAsServerUser(
            "pg_ctl", ["-D", dataDirectory.path, "-l", logFile.path, "-w", "-m", "fast", "restart"])
    }

    /// Stops the server and removes its folder. Safe to call more than once. Synchronous, for `defer`, `deinit`
    /// and `atexit`; an immediate stop is short.
    public func stop() {
        let wasRunning = lock.withLock {
            let was = running
            running = false
            return was
        }
        guard wasRunning else { return }
        let (executable, arguments) = asServerUser(
            "pg_ctl", ["-D", dataDirectory.path, "-w", "-m", "immediate", "stop"])
        _ = try? Self.runBlocking(executable, arguments)
        try? FileManager.default.removeItem(at: root)
    }

    /// The path of a server program such as `pgbench` or `psql`.
    public func binary(_ name: String) -> String { bindir.appendingPathComponent(name).path }

    @discardableResult
    private func runAsServerUser(_ program: String, _ arguments: [String]) async throws -> String {
        let (executable, arguments) = asServerUser(program, arguments)
        return try await Self.run(executable, arguments)
    }

    /// The command line that runs a server program as the server's OS user.
    private func asServerUser(_ program: String, _ arguments: [String]) -> (String, [String]) {
        let path = binary(program)
        guard let osUser else { return (path, arguments) }
        return ("/usr/sbin/runuser", ["-u", osUser, "--", path] + arguments)
    }

    static func serverBinDirectory() async throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment["CONCORD_PG_BINDIR"] {
            return URL(fileURLWithPath: explicit)
        }
        let out = try await run("/usr/bin/env", ["pg_config", "--bindir"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let dir = URL(fileURLWithPath: out)
        guard FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("initdb").path) else {
            throw LocalPostgresError.serverNotInstalled(bindir: out)
        }
        return dir
    }

    /// Runs a program and returns its output; the wait is on a thread of its own (`onThreadOfItsOwn`).
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await onThreadOfItsOwn { try runBlocking(executable, arguments) }
    }

    /// `run`, waiting on the calling thread.
    ///
    /// Spawned with posix_spawn and reaped with waitpid: `pg_ctl start` leaves a daemon behind, which has
    /// been seen to keep Foundation's `Process.waitUntilExit` waiting. The output goes through a file, not a
    /// pipe, because a daemon holding a pipe's write end would keep a reader waiting for ever.
    @discardableResult
    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("concord-run-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw LocalPostgresError.commandFailed(
                command: executable, status: spawned, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS are macros Swift cannot call.
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else {
            throw LocalPostgresError.commandFailed(
                command: ([executable] + arguments).joined(separator: " "), status: exitCode, output: text)
        }
        return text
    }

    /// A free loopback port for a server to listen on a little later. Taken below the kernel's range of
    /// ephemeral ports: one from that range (what binding port 0 gives) can meanwhile become the local end of
    /// one of the many client connections a test run opens, and the server then cannot listen on it.
    public static func freePort() throws -> Int {
        let lowest = 10_000
        let ephemeral =
            (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .flatMap { text in text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32_768
        let ports = lowest..<max(ephemeral, lowest + 1_000)
        for _ in 0..<100 {
            let port = Int.random(in: ports)
            if canListen(on: port) { return port }
        }
        throw LocalPostgresError.noFreePort
    }

    /// Whether nothing holds `port` on 127.0.0.1 now.
    private static func canListen(on port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

public enum LocalPostgresError: Error, CustomStringConvertible {
    case serverNotInstalled(bindir: String)
    case commandFailed(command: String, status: Int32, output: String)
    case noFreePort

    public var description: String {
        switch self {
        case .serverNotInstalled(let bindir):
            return "PostgreSQL server programs not found in \(bindir); install the Debian package postgresql"
        case .commandFailed(let command, let status, let output):
            return "\(command) exited with \(status): \(output)"
        case .noFreePort:
            return "no free TCP port on 127.0.0.1"
        }
    }
}
