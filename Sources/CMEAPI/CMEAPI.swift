import HTTP
import CMEService
