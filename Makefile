# The two commands of the README, and a few conveniences around them.
.PHONY: run test bench db-start db-stop migrate clean

run:        ## build and serve on :8080 (private PostgreSQL unless DATABASE_URL is set)
	@scripts/run

test:       ## everything CI checks
	@scripts/test

bench:      ## wrk against /healthz and /readyz, release build
	@scripts/bench

db-start:
	@scripts/db start

db-stop:
	@scripts/db stop

clean:
	rm -rf .build .build-*
