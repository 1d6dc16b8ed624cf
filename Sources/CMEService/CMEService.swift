import CMEStore
import CMEDomain
