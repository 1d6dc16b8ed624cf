import Testing
@Test func placeholder_CMEAPITests() { #expect(Bool(true)) }
