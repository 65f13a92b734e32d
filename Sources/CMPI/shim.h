#ifndef MTRL_CMPI_SHIM_H
#define MTRL_CMPI_SHIM_H
#include <mpi.h>

// Open MPI defines its handles as casts of addresses of global objects
// (`#define MPI_COMM_WORLD OMPI_PREDEFINED_GLOBAL(...)`), which Swift cannot
// import. Each accessor below returns one such handle as a plain value.

static inline MPI_Comm mtrl_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype mtrl_type_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype mtrl_type_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype mtrl_type_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype mtrl_type_byte(void) { return MPI_BYTE; }
static inline MPI_Op mtrl_op_sum(void) { return MPI_SUM; }
static inline MPI_Op mtrl_op_max(void) { return MPI_MAX; }
static inline MPI_Op mtrl_op_min(void) { return MPI_MIN; }
static inline void *mtrl_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Errhandler mtrl_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline int mtrl_success(void) { return MPI_SUCCESS; }
static inline int mtrl_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
static inline int mtrl_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline MPI_Request mtrl_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *mtrl_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Datatype mtrl_type_int32(void) { return MPI_INT32_T; }
static inline int mtrl_any_source(void) { return MPI_ANY_SOURCE; }
static inline int mtrl_status_source(const MPI_Status *status) { return status->MPI_SOURCE; }

#endif
