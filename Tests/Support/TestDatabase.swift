// Placeholder: finds or starts the private PostgreSQL cluster for tests.
