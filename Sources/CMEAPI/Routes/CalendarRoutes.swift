import CMEDomain
import CMEService
import CMEStore
import Foundation
import HTTP

/// `PUT /v1/admin/calendar/{academic_year}` (admin): replace a year's term dates and closures;
/// `GET` of the same (admin, officer). `academic_year` is the year it starts: 2025 for 2025-26.
enum CalendarRoutes {
    struct TermDTO: Encodable {
        var start: String
        var end: String
    }

    struct CalendarDTO: Encodable {
        var academicYear: Int
        var terms: [TermDTO]
        var closures: [String]
        var updatedAt: Date
        enum CodingKeys: String, CodingKey {
            case terms, closures
            case academicYear = "academic_year", updatedAt = "updated_at"
        }
    }

    static func dto(_ row: CalendarRow) -> CalendarDTO {
        CalendarDTO(academicYear: row.academicYear.startYear, terms: row.terms.map { TermDTO(start: $0.start.iso8601, end: $0.end.iso8601) },
                    closures: row.closures.map(\.iso8601), updatedAt: row.updatedAt)
    }

    /// The path's academic year; 400 when it is not a year we keep calendars for.
    static func academicYear(_ request: Request) throws(ServiceError) -> AcademicYear {
        try academicYear(request.pathParameters["academic_year"] ?? "")
    }

    /// An `academic_year` given as text (a path segment or a query parameter); 400 when it is not a
    /// year we keep calendars for.
    static func academicYear(_ text: String) throws(ServiceError) -> AcademicYear {
        guard let year = CalendarService.academicYear(text) else {
            throw .malformed("academic_year must be the year the academic year starts, four digits from "
                             + "\(CalendarService.years.lowerBound) to \(CalendarService.years.upperBound) (2025 for 2025-26).")
        }
        return year
    }

    /// The body's `terms` and `closures` with their JSON types checked; the dates themselves are the
    /// service's to judge. An array over its limit is not read item by item: the limit is its error.
    static func input(_ body: inout JSONBody) -> CalendarService.NewCalendar {
        var terms: [CalendarService.NewCalendar.NewTerm?]?
        switch body.object["terms"] {
        case nil, is NSNull:
            terms = nil
        case let items as [Any]:
            if items.count > CalendarService.maxTerms {
                terms = Array(repeating: nil, count: items.count)
            } else {
                terms = []
                for (index, item) in items.enumerated() {
                    guard let object = item as? [String: Any] else { terms?.append(nil); continue }
                    let pointer = JSONPointer(tokens: ["terms", String(index)])
                    terms?.append(.init(start: string(object["start"], at: pointer.appending("start"), &body.errors),
                                        end: string(object["end"], at: pointer.appending("end"), &body.errors)))
                }
            }
        default:
            body.errors.add("/terms", "must be an array of terms")
        }
        var closures: [String?]?
        switch body.object["closures"] {
        case nil, is NSNull:
            closures = nil
        case let items as [Any]:
            if items.count > CalendarService.maxClosures {
                closures = Array(repeating: nil, count: items.count)
            } else {
                closures = items.enumerated().map { index, item in
                    string(item, at: JSONPointer(tokens: ["closures", String(index)]), &body.errors)
                }
            }
        default:
            body.errors.add("/closures", "must be an array of dates")
        }
        return CalendarService.NewCalendar(terms: terms, closures: closures)
    }

    /// A date's text; an error when present and not a string (null is the service's "is required").
    static func string(_ value: Any?, at pointer: JSONPointer, _ errors: inout FieldErrors) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String else { errors.add(pointer, "must be a date string (YYYY-MM-DD)"); return nil }
        return text
    }

    static func register(on api: inout RouteBuilder) {
        let admin = RouteBuilder.Group(prefix: "/v1/admin", roles: [.admin])
        let calendars = api.services.calendars

        api.add("GET", "/calendar/{academic_year}", in: admin, roles: [.admin, .officer]) { request, context in
            let year = try academicYear(request)
            return try API.json(dto(try await calendars.calendar(academicYear: year, as: context.actor)))
        }

        // The whole year at once: `{"terms": [{"start", "end"}], "closures": [date]}`. 200 whether or
        // not the year had a calendar before.
        api.add("PUT", "/calendar/{academic_year}", in: admin) { request, context in
            let year = try academicYear(request)
            var body = try JSONBody(request)
            let input = input(&body)
            try body.finish(adding: CalendarService.validate(input, academicYear: year).0)
            return try API.json(dto(try await calendars.put(input, academicYear: year, as: context.actor)))
        }
    }
}
