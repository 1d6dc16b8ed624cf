import Testing
@Test func placeholder_CMEDomainTests() { #expect(Bool(true)) }
