import CMEDomain
import Foundation
import Postgres

/// Where a child is on roll now (`current_roll`), as matching and the child view read it.
public struct RollPlace: Sendable, Equatable {
    public var schoolURN: String
    public var since: CalendarDate
    public init(schoolURN: String, since: CalendarDate) {
        self.schoolURN = schoolURN
        self.since = since
    }
}

public struct RollStore: Sendable {
    let unit: UnitOfWork

    /// The most recent school each child is on roll at.
    public func currentPlaces(of children: [UUID]) async throws -> [UUID: RollPlace] {
        guard !children.isEmpty else { return [:] }
        let rows = try await unit.query("""
            SELECT DISTINCT ON (child_id) child_id, school_urn, since FROM current_roll
            WHERE la_code = \(unit.actor.laCode) AND child_id = ANY(\(children))
            ORDER BY child_id, since DESC, school_urn
            """)
        var out: [UUID: RollPlace] = [:]
        for r in rows {
            out[try r.decode(UUID.self, at: 0)] = RollPlace(schoolURN: try r.decode(String.self, at: 1),
                                                            since: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 2)))
        }
        return out
    }

    /// Records that a child is on roll at a school from a date (roll notifications; tests).
    public func add(child: UUID, school: String, since: CalendarDate) async throws {
        try await unit.execute("""
            INSERT INTO current_roll (la_code, child_id, school_urn, since)
            VALUES (\(unit.actor.laCode), \(child), \(school), \(StoreCoding.date(since)))
            ON CONFLICT (la_code, child_id, school_urn) DO UPDATE SET since = excluded.since
            """)
    }
}

extension UnitOfWork {
    public var roll: RollStore { RollStore(unit: self) }
}
