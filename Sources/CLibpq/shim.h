#ifndef CME_CLIBPQ_SHIM_H
#define CME_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
