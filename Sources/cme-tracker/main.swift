import CMEAPI
import CMEDomain
import CMEService
import CMEStore
import Foundation
import Glibc
import HTTP
import Runtime

// cme-tracker: serve | migrate | --help (README.md, "Configuration").

let usage = """
    cme-tracker: the children-missing-education register service.

    Usage:
      cme-tracker serve      Migrate (unless CME_MIGRATE=0) and serve HTTP until SIGTERM or SIGINT.
      cme-tracker migrate    Apply pending migrations and exit.
      cme-tracker create-client --la CODE --role ROLE --name NAME [--school-urn URN]
                             [--agency-type TYPE] [--agency-name NAME]
                             Create an API client and print its token (alone, on stdout; shown once).
                             Registers the council (LA CODE), on the national default policy, if new.
      cme-tracker seed-demo  Load a demo council (LA 372, national default policy, a few schools, this
                             academic year's term dates, and the first time a demo register of
                             cases and roll notifications) and print a new token for each role.
      cme-tracker import-schools FILE [--la CODE]
                             Load a GIAS CSV extract into the register of schools: of council CODE
                             only, or of every registered council in the file.
      cme-tracker --help     This text. Each command also takes --help.

    Environment:
      DATABASE_URL       PostgreSQL URL (required), e.g. postgresql://user:password@127.0.0.1:5432/cme_tracker
      HOST               address to listen on (default 127.0.0.1)
      PORT               port to listen on (default 8080)
      CME_EVENT_LOOPS    HTTP event-loop threads (default: number of cores)
      CME_DB_POOL_SIZE   database connections (default: 4 × cores)
      CME_MIGRATE        0 to skip migrating at start-up (default 1)
      LOG_LEVEL          debug | info | warning | error (default info)
      CME_HOME           folder with migrations/ and openapi.yaml (default: found from the working folder)
      CME_RATE_LIMIT     requests per second each API client may make on average (default 2000; 0: no limit)
      CME_RATE_BURST     requests a client may make at once before the limit applies (default 4000)

    """

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data(("cme-tracker: " + message + "\n").utf8))
    exit(code)
}

func loadSettings() -> Settings {
    do {
        return try Settings.fromEnvironment()
    } catch {
        fail(error.description, code: 2)
    }
}

/// Migrates, retrying for a while if the database is not up yet (it may be starting beside us).
func migrate(_ migrator: Migrator, logger: Logger) {
    let deadline = ContinuousClock.now + .seconds(30)
    while true {
        do {
            let applied = try runBlocking { try await migrator.migrate() }
            logger.info("migrations current", ["applied_now": .int(applied.count), "latest": .int(migrator.migrations.last?.version ?? 0)])
            return
        } catch let error as MigrationError {
            fail(error.description)
        } catch {
            if ContinuousClock.now > deadline {
                fail("cannot reach the database to migrate: \(error)")
            }
            logger.warning("database not reachable yet; retrying", [:])
            Thread.sleep(forTimeInterval: 1)
        }
    }
}

/// The migrations of CME_HOME, or a one-sentence stop.
func loadMigrations(_ settings: Settings) -> [Migration] {
    do { return try Migration.load(from: settings.home + "/migrations") } catch { fail(error.description) }
}

/// For the one-shot commands: a small pool, migrated (unless CME_MIGRATE=0), and the use cases over it.
func openServices(_ settings: Settings, logger: Logger) -> (Database, CMEServices) {
    let database = Database(url: settings.databaseURL, poolSize: 2)
    let migrator = Migrator(database: database, migrations: loadMigrations(settings))
    if settings.migrateOnStart { migrate(migrator, logger: logger) }
    return (database, CMEServices(database: database, migrator: migrator))
}

/// Each connection is a descriptor, and distributions start processes with a soft limit of 1,024:
/// raise it towards the hard limit so the connection cap, not `EMFILE`, is what bounds connections.
func raiseDescriptorLimit(toServe connections: Int, logger: Logger) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
    let wanted = rlim_t(connections + 1024)   // the connections, plus the pool, logs and listeners
    if limit.rlim_cur < wanted {
        limit.rlim_cur = min(wanted, limit.rlim_max)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    if limit.rlim_cur < wanted {
        logger.warning("the descriptor limit is below the connection cap; connections past it wait for accept",
                       ["limit": .int(Int(limit.rlim_cur)), "connection_cap": .int(connections)])
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first ?? "help"
if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") || command == "help" {
    print(usage, terminator: "")
    exit(0)
}

switch command {
case "migrate":
    let settings = loadSettings()
    let logger = Logger(level: settings.logLevel)
    let database = Database(url: settings.databaseURL, poolSize: 1)
    migrate(Migrator(database: database, migrations: loadMigrations(settings)), logger: logger)
    logger.flush()
    exit(0)

case "serve":
    Allocator.limitArenas(to: 2)
    let settings = loadSettings()
    // Signals are taken by sigwait on this thread; every thread started later inherits the mask.
    signal(SIGPIPE, SIG_IGN)
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGTERM)
    sigaddset(&signals, SIGINT)
    pthread_sigmask(SIG_BLOCK, &signals, nil)

    let logger = Logger(level: settings.logLevel)
    let migrations = loadMigrations(settings)
    let openAPI: String
    do { openAPI = try String(contentsOfFile: settings.home + "/openapi.yaml", encoding: .utf8) } catch {
        fail("cannot read \(settings.home)/openapi.yaml.")
    }
    let database = Database(url: settings.databaseURL, poolSize: settings.poolSize)
    let migrator = Migrator(database: database, migrations: migrations)
    if settings.migrateOnStart { migrate(migrator, logger: logger) }

    var config = ServerConfiguration()
    raiseDescriptorLimit(toServe: config.maxConnections, logger: logger)
    config.host = settings.host
    config.port = settings.port
    config.eventLoops = settings.eventLoops
    let metrics = ServerMetrics(shards: config.eventLoops)
    let limiter = settings.rateLimitPerSecond == 0 ? nil
        : RateLimiter(perSecond: Double(settings.rateLimitPerSecond), burst: Double(settings.rateLimitBurst))
    let services = CMEServices(database: database, migrator: migrator, rateLimiter: limiter)
    let router = API.makeRouter(services: services, serverMetrics: metrics, openAPIDocument: openAPI, logger: logger)
    let server = HTTPServer(configuration: config, router: router, logger: logger, metrics: metrics)
    do {
        try server.start()
    } catch {
        fail("cannot listen on \(settings.host):\(settings.port): \(error)")
    }
    let sweeper = Task.detached { await sweepForever(services: services, database: database, every: settings.sweepInterval, logger: logger) }
    var received: Int32 = 0
    sigwait(&signals, &received)
    logger.info("shutting down", ["signal": .int(Int(received))])
    sweeper.cancel()
    server.beginShutdown()
    server.waitUntilStopped()
    try? runBlocking { await database.shutdown() }
    logger.info("stopped", [:])
    logger.flush()
    exit(0)

case "create-client":
    let settings = loadSettings()
    let logger = Logger(level: .warning)
    var options: [String: String] = [:]
    var rest = arguments.dropFirst()
    while let flag = rest.first {
        rest = rest.dropFirst()
        guard ["--la", "--role", "--name", "--school-urn", "--agency-type", "--agency-name"].contains(flag), let value = rest.first else {
            fail("create-client takes --la CODE --role ROLE --name NAME [--school-urn URN] [--agency-type TYPE] [--agency-name NAME]; see --help.", code: 2)
        }
        options[flag] = value
        rest = rest.dropFirst()
    }
    guard let la = options["--la"].flatMap(LACode.init) else { fail("--la must be a 3-digit LA code.", code: 2) }
    let (database, services) = openServices(settings, logger: logger)
    let actor = Actor(clientID: nil, role: "cli", laCode: la.value, requestID: "cli-create-client-\(getpid())")
    do {
        if try runBlocking({ try await services.councils.register(laCode: la, name: nil, as: actor) }) {
            FileHandle.standardError.write(Data("cme-tracker: registered council \(la.value) on the national default policy.\n".utf8))
        }
        let input = NewClient(role: options["--role"], name: options["--name"], schoolURN: options["--school-urn"],
                              agencyType: options["--agency-type"], agencyName: options["--agency-name"])
        let token = try runBlocking {
            try await services.clients.create(input, as: actor) { created in
                StoredReply(status: 201, body: Array(created.token.utf8))
            }
        }
        print(String(decoding: token.body, as: UTF8.self))
    } catch let error as ServiceError {
        if case .invalid(let errors) = error {
            fail("the client was not created: " + errors.map { "\($0.pointer.dropFirst().replacingOccurrences(of: "_", with: "-")) \($0.message)" }.joined(separator: "; ") + ".", code: 2)
        }
        fail("the client was not created (\(error)).")
    } catch {
        fail("the client was not created: \(error)")
    }
    try? runBlocking { await database.shutdown() }
    exit(0)

case "seed-demo":
    let settings = loadSettings()
    let logger = Logger(level: .warning)
    let (database, services) = openServices(settings, logger: logger)
    do {
        print(try runBlocking { try await DemoCouncil.seed(services) }, terminator: "")
    } catch {
        fail("the demo council was not loaded: \(error)")
    }
    try? runBlocking { await database.shutdown() }
    exit(0)

case "import-schools":
    let settings = loadSettings()
    let logger = Logger(level: .warning)
    var rest = Array(arguments.dropFirst())
    var onlyLA: LACode?
    if let i = rest.firstIndex(of: "--la") {
        guard i + 1 < rest.count, let la = LACode(rest[i + 1]) else { fail("--la must be a 3-digit LA code.", code: 2) }
        onlyLA = la
        rest.removeSubrange(i...(i + 1))
    }
    guard rest.count == 1 else { fail("import-schools takes FILE [--la CODE]; see --help.", code: 2) }
    guard let data = FileManager.default.contents(atPath: rest[0]) else { fail("cannot read \(rest[0]).") }
    let started = Date()
    let parsed = GIASExtract.parse(Array(data), onlyLA: onlyLA)
    if let fileError = parsed.fileError { fail("\(rest[0]) is not a GIAS extract: \(fileError).") }
    let (database, services) = openServices(settings, logger: logger)
    let onTerminal = isatty(2) == 1
    var imported = 0, updated = 0, notRegistered = 0
    let byCouncil = Dictionary(grouping: parsed.schools, by: { $0.laCode.value })
    for (la, schools) in byCouncil.sorted(by: { $0.key < $1.key }) {
        let actor = Actor(clientID: nil, role: "cli", laCode: la, requestID: "cli-import-schools-\(getpid())")
        let total = schools.count
        let rows = schools.map(SchoolService.row)
        var progress: (@Sendable (Int) -> Void)? = nil
        if onTerminal {
            progress = { done in FileHandle.standardError.write(Data("\rcouncil \(la): \(done) of \(total) schools".utf8)) }
        }
        do {
            let report = progress
            let (i, u) = try runBlocking { try await services.schools.load(rows, as: actor, progress: report) }
            if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            imported += i
            updated += u
        } catch {
            // A foreign key refusal: the council is not registered here (create-client --la registers it).
            if onTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
            if onlyLA != nil { fail("council \(la) is not registered: create a client for it first (create-client --la \(la)).") }
            notRegistered += total
        }
    }
    var reasons: [String: Int] = [:]
    for r in parsed.rejected {
        let kind = r.reason.replacingOccurrences(of: #"'[^']*'|line \d+|\b\d{6}\b"#, with: "…", options: .regularExpression)
        reasons[kind, default: 0] += 1
    }
    print("imported \(imported), updated \(updated), rejected \(parsed.rejected.count)"
          + (onlyLA != nil ? ", other councils' rows skipped \(parsed.skippedOtherLA)" : ", rows of unregistered councils skipped \(notRegistered)")
          + String(format: " in %.1f s", Date().timeIntervalSince(started)))
    for (kind, n) in reasons.sorted(by: { $0.value > $1.value }) { print("  rejected \(n): \(kind)") }
    for r in parsed.rejected.prefix(20) { print("  line \(r.line): \(r.reason)") }
    if parsed.rejected.count > 20 { print("  (\(parsed.rejected.count - 20) more rejected lines not shown)") }
    try? runBlocking { await database.shutdown() }
    exit(0)

default:
    fail("unknown command \"\(command)\"; see cme-tracker --help.", code: 2)
}
