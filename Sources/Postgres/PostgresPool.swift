import CLibpq
// Placeholder: the pool is being written (see the Postgres client work).
