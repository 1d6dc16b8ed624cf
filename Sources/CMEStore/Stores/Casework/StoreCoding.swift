import CMEDomain
import Foundation
import Postgres

/// Conversions at the store's edge: CMEDomain's dates and JSON trees in, PostgreSQL's types stay in
/// here.
enum StoreCoding {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func date(_ d: CalendarDate?) -> PostgresDate? { ChildStore.postgresDate(d) }
    static func date(_ d: PostgresDate?) -> CalendarDate? { ChildStore.calendarDate(d) }

    static func requiredDate(_ d: PostgresDate) throws -> CalendarDate {
        guard let date = ChildStore.calendarDate(d) else { throw MalformedRow() }
        return date
    }

    /// JSON text for a jsonb parameter (cast `::jsonb` in the statement).
    static func json(_ value: some Encodable) -> String {
        String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static func json(_ value: JSONValue?) -> String? {
        value.map { $0.text }
    }

    static func json(_ value: JSONValue) -> String { value.text }

    /// A jsonb column read as text.
    static func value(_ text: String?) throws -> JSONValue? {
        guard let text else { return nil }
        guard let v = JSONValue.parse(Array(text.utf8)) else { throw MalformedRow() }
        return v
    }

    static func enumValue<E: RawRepresentable>(_ text: String, _ type: E.Type) throws -> E where E.RawValue == String {
        guard let v = E(rawValue: text) else { throw MalformedRow() }
        return v
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

/// A stored row that breaks the rules its writer kept (edited by hand): a server fault, never the client's.
public struct MalformedRow: Error, Sendable {
    public init() {}
}

/// A keyset position in a list ordered by due date then id.
public struct DueKey: Sendable, Equatable {
    public var dueOn: CalendarDate
    public var id: UUID
    public init(dueOn: CalendarDate, id: UUID) {
        self.dueOn = dueOn
        self.id = id
    }
}
