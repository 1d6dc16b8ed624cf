// Placeholder: the domain library is being written (issue 3).
