import Postgres
import CMEDomain
