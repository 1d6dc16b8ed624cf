import CMEDomain

/// A date literal for tables; a typo in a test table stops the test run loudly.
func d(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { fatalError("bad date literal in a test table: \(text)") }
    return date
}
