import Testing
@testable import HTTP

@Test func simpleGet() {
    let m = onlyMessage(request())
    #expect(m?.head.method == "GET")
}
