import Testing
import CMEDomain

@Suite("Case lifecycle")
struct CaseLifecycleTests {
    /// Every status × action, with where it leads or nil when refused.
    static let table: [(from: CaseStatus, action: CaseAction, to: CaseStatus?)] = [
        (.open, .locate, .located),
        (.open, .transfer, .pendingTransfer),
        (.open, .close, .closed),
        (.open, .reopen, nil),
        (.located, .locate, nil),
        (.located, .transfer, .pendingTransfer),
        (.located, .close, .closed),
        (.located, .reopen, nil),
        (.pendingTransfer, .locate, .located),
        (.pendingTransfer, .transfer, nil),
        (.pendingTransfer, .close, .closed),
        (.pendingTransfer, .reopen, nil),
        (.closed, .locate, nil),
        (.closed, .transfer, nil),
        (.closed, .close, nil),
        (.closed, .reopen, .open),
    ]

    @Test(arguments: table)
    func transition(_ from: CaseStatus, _ action: CaseAction, _ to: CaseStatus?) {
        let result = CaseLifecycle.transition(from: from, by: action)
        if let to {
            #expect(result == .success(to))
        } else {
            #expect(result == .failure(CaseTransitionError(status: from, action: action)))
        }
    }

    @Test func tableCoversEveryPair() {
        #expect(Self.table.count == CaseStatus.allCases.count * CaseAction.allCases.count)
    }

    @Test func refusalSaysWhatIsAllowed() {
        guard case .failure(let error) = CaseLifecycle.transition(from: .closed, by: .locate) else {
            Issue.record("a closed case was located"); return
        }
        #expect(error.message == "a case that is closed cannot locate; allowed: reopen")
    }

    @Test func rawValuesAreTheAPISpellings() {
        #expect(CaseStatus.allCases.map(\.rawValue) == ["open", "located", "pending_transfer", "closed"])
        #expect(ClosureOutcome.allCases.map(\.rawValue) == ["on_roll", "alternative_provision", "elective_home_education",
                                                          "moved_to_other_la", "moved_abroad", "ceased_compulsory_school_age",
                                                          "deceased", "referral_in_error"])
    }
}
