import Testing
@Test func placeholder_CMEStoreTests() { #expect(Bool(true)) }
