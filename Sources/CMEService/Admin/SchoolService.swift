import CMEDomain
import CMEStore
import Foundation

/// A council's register of schools: one at a time (`POST /v1/admin/schools`) or a GIAS extract.
public struct SchoolService: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public struct NewSchool: Sendable, Equatable {
        public var urn, laestab, name, phase, type, status, postcode: String?
        public init(urn: String?, laestab: String?, name: String?, phase: String?, type: String?, status: String?, postcode: String?) {
            self.urn = urn; self.laestab = laestab; self.name = name; self.phase = phase
            self.type = type; self.status = status; self.postcode = postcode
        }
    }

    /// Every field error at once: URN 6 digits, LAESTAB 7 digits within the caller's council, a name.
    public static func validate(_ s: NewSchool, laCode: String) -> (FieldErrors, SchoolRow?) {
        var errors = FieldErrors()
        let urn = s.urn.flatMap(URN.init)
        if s.urn == nil { errors.add("/urn", "is required") } else if urn == nil { errors.add("/urn", "must be 6 digits") }
        let laestab = s.laestab.flatMap(LAESTAB.init)
        if s.laestab == nil {
            errors.add("/laestab", "is required")
        } else if laestab == nil {
            errors.add("/laestab", "must be 7 digits: the LA code and the establishment number")
        } else if Array(laestab!.laCode.value.utf8) != Array(laCode.utf8) {
            errors.add("/laestab", "must start with this council's LA code \(laCode)")
        }
        let name = s.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty { errors.add("/name", "is required") }
        guard errors.isEmpty, let urn, let laestab else { return (errors, nil) }
        return (errors, SchoolRow(urn: urn.value, laestab: laestab.value, name: name, phase: s.phase, type: s.type,
                                  status: s.status, postcode: s.postcode))
    }

    /// Inserts or updates one school by URN; true when it was new (201), false when updated (200).
    public func upsert(_ input: NewSchool, as actor: Actor, idempotency: IdempotencyClaim? = nil,
                       reply: @Sendable (SchoolRow, Bool) throws -> StoredReply) async throws -> StoredReply {
        let (errors, row) = Self.validate(input, laCode: actor.laCode)
        guard let row else { throw ServiceError.invalid(errors) }
        return try await database.write(as: actor, idempotency: idempotency) { unit in
            let created = try await unit.schools.upsert([row]).contains(row.urn)
            unit.audit(created ? "create" : "update", subjectType: "school", subjectID: row.urn)
            return try reply(row, created)
        }
    }

    /// The outcome of loading many schools.
    public struct ImportSummary: Sendable, Equatable {
        public var imported = 0
        public var updated = 0
        public var rejected: [(line: Int, reason: String)] = []
        public var skippedOtherCouncils = 0
        public static func == (a: ImportSummary, b: ImportSummary) -> Bool {
            a.imported == b.imported && a.updated == b.updated && a.skippedOtherCouncils == b.skippedOtherCouncils
                && a.rejected.map(\.line) == b.rejected.map(\.line) && a.rejected.map(\.reason) == b.rejected.map(\.reason)
        }
    }

    /// Loads a GIAS extract into the actor's council: only that council's rows are taken; bad rows
    /// are reported by line with the reason, good ones kept. A file that is not a GIAS CSV is 422.
    /// With an `Idempotency-Key`: a repeat answers the first summary. The batches are not one
    /// transaction, but loading the same rows twice changes nothing, so a retry after a crash is safe;
    /// the summary is stored once the batches are in.
    public func importExtract(_ bytes: [UInt8], as actor: Actor, idempotency: IdempotencyClaim?,
                              reply: @Sendable (ImportSummary) throws -> StoredReply) async throws -> StoredReply {
        if let claim = idempotency, let stored = try await database.storedReply(for: claim, as: actor) { return stored }
        let summary = try await importExtract(bytes, as: actor)
        guard let claim = idempotency else { return try reply(summary) }
        return try await database.write(as: actor, idempotency: claim) { unit in
            unit.audit("import", subjectType: "school", subjectID: "extract")
            return try reply(summary)
        }
    }

    public func importExtract(_ bytes: [UInt8], as actor: Actor) async throws -> ImportSummary {
        guard let la = LACode(actor.laCode) else { throw ServiceError.notFound }
        let parsed = GIASExtract.parse(bytes, onlyLA: la)
        if let fileError = parsed.fileError {
            throw ServiceError.invalid(FieldErrors([FieldError(pointer: .root, message: fileError)]))
        }
        let (imported, updated) = try await load(parsed.schools.map(Self.row), as: actor)
        return ImportSummary(imported: imported, updated: updated, rejected: parsed.rejected.map { ($0.line, $0.reason) },
                             skippedOtherCouncils: parsed.skippedOtherLA)
    }

    public static func row(_ s: GIASSchool) -> SchoolRow {
        SchoolRow(urn: s.urn.value, laestab: s.laestab.value, name: s.name, phase: s.phase, type: s.type, status: s.status,
                  postcode: s.postcode)
    }

    /// Upserts schools in batches of `batchSize`, one transaction each, an audit event per school.
    public func load(_ rows: [SchoolRow], as actor: Actor, batchSize: Int = 5_000,
                     progress: (@Sendable (Int) -> Void)? = nil) async throws -> (imported: Int, updated: Int) {
        var imported = 0, updated = 0, done = 0
        var start = 0
        while start < rows.count {
            let batch = Array(rows[start..<min(rows.count, start + batchSize)])
            let new = try await database.write(as: actor) { unit in
                let created = try await unit.schools.upsert(batch)
                for school in batch {
                    unit.audit(created.contains(school.urn) ? "import" : "reimport", subjectType: "school", subjectID: school.urn)
                }
                return created.count
            }
            imported += new
            updated += batch.count - new
            done += batch.count
            progress?(done)
            start += batchSize
        }
        return (imported, updated)
    }
}
