import CMEAPI
import CMEService
import CMEStore
import Foundation
import Glibc
import HTTP
import Runtime

// cme-tracker: serve | migrate | --help (DESIGN.md 3.3).

let usage = """
    cme-tracker: the children-missing-education register service.

    Usage:
      cme-tracker serve      Migrate (unless CME_MIGRATE=0) and serve HTTP until SIGTERM or SIGINT.
      cme-tracker migrate    Apply pending migrations and exit.
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
    let migrations: [Migration]
    do { migrations = try Migration.load(from: settings.home + "/migrations") } catch { fail(error.description) }
    let database = Database(url: settings.databaseURL, poolSize: 1)
    migrate(Migrator(database: database, migrations: migrations), logger: logger)
    logger.flush()
    exit(0)

case "serve":
    let settings = loadSettings()
    // Signals are taken by sigwait on this thread; every thread started later inherits the mask.
    signal(SIGPIPE, SIG_IGN)
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGTERM)
    sigaddset(&signals, SIGINT)
    pthread_sigmask(SIG_BLOCK, &signals, nil)

    let logger = Logger(level: settings.logLevel)
    let migrations: [Migration]
    do { migrations = try Migration.load(from: settings.home + "/migrations") } catch { fail(error.description) }
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
    let operations = OperationsService(database: database, migrator: migrator)
    let router = API.makeRouter(operations: operations, serverMetrics: metrics, openAPIDocument: openAPI)
    let server = HTTPServer(configuration: config, router: router, logger: logger, metrics: metrics)
    do {
        try server.start()
    } catch {
        fail("cannot listen on \(settings.host):\(settings.port): \(error)")
    }
    var received: Int32 = 0
    sigwait(&signals, &received)
    logger.info("shutting down", ["signal": .int(Int(received))])
    server.beginShutdown()
    server.waitUntilStopped()
    try? runBlocking { await database.shutdown() }
    logger.info("stopped", [:])
    logger.flush()
    exit(0)

default:
    fail("unknown command \"\(command)\"; see cme-tracker --help.", code: 2)
}
